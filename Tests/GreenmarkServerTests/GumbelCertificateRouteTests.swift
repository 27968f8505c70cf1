import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkKeys
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import Testing

/// A daemon whose primary watermark key is gumbel-v1: `/v1/detect` reports the score, `POST
/// /v1/certificates` issues a gumbel-v1 attestation that verifies offline, and the essay page
/// explains the result in words (headless Chromium through Selenium, as `EssayPageBrowserTests`).
@Suite("gumbel-v1 through greenmarkd: detect, certify, essay page", .serialized)
struct GumbelCertificateRouteTests {
    @Test(
        "a generated essay under a gumbel-v1 key: /v1/detect has score and no green count; the page shows score and p in words and issues a certificate that verifies",
        .enabled(if: EssayPageBrowserTests.enabled, "needs chromium, chromium-driver and selenium (scripts/bootstrap.sh); always runs when CI is set")
    )
    func essayPage() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-gumbel-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let ring = try KeyringStore(directory: home).initialize(scheme: .gumbel, vocabulary: ServerTests.tokenizer.vocabularyID)
        try SigningKeyStore(directory: home).initialize(watermarkKeys: ring.keys)
        let registry = try Registry(path: home + "/registry.sqlite")
        let stampToken = try registry.createToken(role: .stamp).token
        let inspector = try registry.createToken(role: .verify, permissions: [.inspect]).token
        let key = try ring.primary()
        #expect(key.scheme.prf == .gumbelV1)
        let model = try LlamaModel(path: ModelLocator.resolve())
        let generated = try ServerTests.watermarkedEssay(model: model, key: key)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-gumbel-essays-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let aiFile = dir.appendingPathComponent("essay-ai.txt")
        let humanFile = dir.appendingPathComponent("essay-human.txt")
        let pastedFile = dir.appendingPathComponent("pasted.txt")
        try Data(generated.utf8).write(to: aiFile)
        try Data(String(repeating: ServerTests.human + "\n\n", count: 2).utf8).write(to: humanFile)
        try Data("Too short to judge.".utf8).write(to: pastedFile)

        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(arguments: ["serve", "--home", home, "--port", String(port), "--no-generation"], environment: [:], port: port)
        #expect(await daemon.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start: \(daemon.log)")

        // /v1/detect as an inspector: the gumbel-v1 statistic, no green-list members.
        let (status, detection) = try await HTTP.request("POST", daemon.baseURL + "/v1/detect", token: inspector, json: ["text": generated])
        #expect(status == 200, "\(detection)")
        #expect(detection["verdict"] as? String == "watermarked")
        #expect(detection["score"] is Double && detection["green_tokens"] == nil && detection["green_fraction"] == nil)
        #expect((detection["scheme"] as? [String: Any])?["prf"] as? String == "gumbel-v1")

        let screenshot = EssayPageBrowserTests.artifacts.appendingPathComponent("essay-page-gumbel.png").path
        try FileManager.default.createDirectory(at: EssayPageBrowserTests.artifacts, withIntermediateDirectories: true)
        let config: [String: Any] = [
            "base": daemon.baseURL, "pasted_file": pastedFile.path, "files": [aiFile.path, humanFile.path], "screenshot": screenshot,
            "passes": [
                ["name": "stamp", "token": stampToken, "inspect": false, "certify": true],
                ["name": "inspector", "token": inspector, "inspect": true, "certify": false],
            ],
        ]
        let configFile = dir.appendingPathComponent("config.json")
        try JSONSerialization.data(withJSONObject: config).write(to: configFile)
        let run = try await PythonFixture.run("essay_page_check.py", [configFile.path])
        #expect(run.status == 0, "essay_page_check.py failed: \(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: [String: Any]], "no JSON: \(run.stderr)")
        let stamp = try #require(result["stamp"]?["cards"] as? [[String: Any]])
        let inspect = try #require(result["inspector"]?["cards"] as? [[String: Any]])
        try #require(stamp.count == 3 && inspect.count == 3)

        // The watermarked essay: score and p-value in words, no z-score or green count.
        #expect(stamp[1]["verdict"] as? String == "watermarked")
        #expect(stamp[1]["stats"] as? [String] == ["score", "p-value"])
        let odds = stamp[1]["odds"] as? String ?? ""
        #expect(odds.contains("gumbel-v1") && odds.contains("per token") && odds.contains("A text written without the watermark"), "\(odds)")
        // The human essay: no watermark; its score is withheld from a stamp token, shown to an inspector.
        #expect(stamp[2]["verdict"] as? String == "no_watermark" && stamp[2]["withheld_note"] != nil)
        #expect(inspect[2]["stats"] as? [String] == ["score", "p-value"])
        #expect(inspect[0]["verdict"] as? String == "too_short")
        // Tokens are highlighted by their score for the inspector: a score of 1 or more is marked,
        // a share of e^-1 = 0.368 of the tokens without the watermark, more in a watermarked text.
        let (marked, unmarked) = (inspect[1]["green"] as? Int ?? 0, inspect[1]["red"] as? Int ?? 0)
        #expect(marked + unmarked > 100 && Double(marked) > 0.368 * Double(marked + unmarked), "\(inspect[1])")
        #expect((inspect[2]["red"] as? Int ?? 0) > 0)

        // The certificate the page asked POST /v1/certificates for verifies offline and states the score.
        let certificate = try #require(result["stamp"]?["certificate"] as? String)
        let text = try #require(result["stamp"]?["certified_text"] as? String)
        #expect(text == generated)
        let pinned = try Data(contentsOf: URL(fileURLWithPath: home + "/trust/root-key.json"))
        let latest = try Data(contentsOf: URL(fileURLWithPath: home + "/trust/trusted-root.json"))
        let anchor = try #require(TrustAnchor.load(pinned: Array(pinned), updates: [Array(latest)]).anchor)
        let report = CertificateVerifier(anchor: anchor).verify(certificate: Array(certificate.utf8), text: Array(text.utf8))
        #expect(report.status == .valid, "\(report.checks.filter { !$0.passed })")
        guard case .detection(let d)? = report.statement?.predicate else {
            Issue.record("not a detection attestation")
            return
        }
        #expect(d.score == String(format: "%.4f", detection["score"] as? Double ?? -1) && d.verdict == "watermarked" && d.greenTokens == nil)
    }
}
