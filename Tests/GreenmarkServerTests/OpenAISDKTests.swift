import Foundation
import GreenmarkStorage
import Testing

/// The official OpenAI Python SDK (`pip install openai`) against the real daemon with generation.
@Suite("greenmarkd with the OpenAI Python SDK", .serialized)
struct OpenAISDKTests {
    /// Whether `python3` can import `openai`.
    static let sdkInstalled = pythonHasModule("openai")
    /// In CI (`CI` set) the test always runs, so a missing SDK fails instead of skipping.
    static let enabled = sdkInstalled || ProcessInfo.processInfo.environment["CI"] != nil

    @Test(
        "chat.completions.create, plain and stream=True, returns text and the Greenmark receipt",
        .enabled(if: enabled, "python3 lacks the openai package (pip install openai); runs always when CI is set"))
    func sdk() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(arguments: ["serve", "--home", s.home, "--port", String(port)], environment: [:], port: port)
        #expect(await daemon.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start: \(daemon.log)")

        let run = try await PythonFixture.run("openai_client.py", [daemon.baseURL + "/v1", s.issuer])
        let (outData, stderr) = (run.stdout, run.stderr)
        #expect(run.status == 0, "openai_client.py failed: \(stderr)")

        let result = try #require(try JSONSerialization.jsonObject(with: outData) as? [String: Any], "no JSON from the script: \(stderr)")
        let plain = try #require(result["plain"] as? [String: Any])
        let stream = try #require(result["stream"] as? [String: Any])
        #expect(plain["object"] as? String == "chat.completion")
        #expect((plain["content"] as? String)?.isEmpty == false)
        #expect(["stop", "length"].contains(plain["finish_reason"] as? String ?? ""))
        #expect((1...16).contains(plain["completion_tokens"] as? Int ?? 0))
        let plainID = try #require(plain["receipt_id"] as? String)
        #expect(plainID.hasPrefix("gmc-"))
        #expect(plain["receipt_header"] as? String == plainID)
        #expect((plain["receipt_payload"] as? String)?.isEmpty == false)

        #expect((stream["chunks"] as? Int ?? 0) >= 2)
        #expect((stream["content"] as? String)?.isEmpty == false)
        #expect(["stop", "length"].contains(stream["finish_reason"] as? String ?? ""))
        let streamID = try #require(stream["receipt_id"] as? String)
        #expect(streamID.hasPrefix("gmc-") && streamID != plainID)
        #expect((stream["receipt_payload"] as? String)?.isEmpty == false)

        // Both receipts were stored by the daemon.
        let registry = try Registry(path: s.home + "/registry.sqlite")
        #expect(try registry.certificate(id: plainID)?.kind == "generation_receipt")
        #expect(try registry.certificate(id: streamID)?.kind == "generation_receipt")
        daemon.terminate()
        #expect(await daemon.waitForExit() == 0)
    }
}
