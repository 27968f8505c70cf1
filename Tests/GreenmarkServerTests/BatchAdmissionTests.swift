import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkModel
import GreenmarkStorage
import Testing

/// The real `greenmarkd` with `--max-concurrent 2 --max-queued 0`: two generations decode in one
/// batch (the batch-size gauge says 2), a third is refused with 503 `generation.busy` at once, a
/// request beyond the per-generation context is 400 before it queues, detection answers while
/// every sequence is busy, and a client that leaves frees its sequence for the next request.
@Suite("greenmarkd continuous batching: admission (real daemon, real model)", .serialized)
struct BatchAdmissionTests {
    @Test("two streams share the batch; the third is 503 generation.busy; over-cap is 400; detection answers; a reset frees a sequence")
    func admission() async throws {
        let d = try await GenerationResilienceTests.startDaemon(limits: ["--max-concurrent", "2", "--max-queued", "0", "--max-context", "2048"])
        defer { try? FileManager.default.removeItem(atPath: d.home) }
        let port = d.process.port
        let reader = try Registry(path: d.home + "/registry.sqlite").createToken(role: .verify).token

        // Two long streams (1,500 tokens each with the fixed key: they outlast every check below).
        let streams = try (0..<2).map { _ in
            let c = try RawHTTPConnection(port: port)
            try c.post("/v1/chat/completions", token: d.token, json: GenerationResilienceTests.longChat(stream: true))
            return c
        }
        for s in streams { #expect(s.read(timeout: 120) { $0.contains("chat.completion.chunk") }.contains("chat.completion.chunk")) }
        #expect(await d.waitForGate(active: 2, queued: 0, timeout: 60))
        #expect(await d.waitForMetric("greenmark_generation_batch_size", 2, timeout: 60), "the two streams were not decoded in one batch")

        // A third: no sequence and no queue place left.
        let (busy, busyBody) = try await d.generate()
        #expect(busy == 503 && (busyBody["error"] as? [String: Any])?["code"] as? String == "generation.busy", "\(busy) \(busyBody)")

        // Beyond the per-generation context (2,048 here): 400 before it queues, naming the limit.
        let (tooLong, tooLongBody) = try await HTTP.request(
            "POST", d.process.baseURL + "/v1/chat/completions", token: d.token,
            json: ["messages": [["role": "user", "content": "Hi."]], "max_tokens": 3_000], timeout: 60)
        let tooLongError = tooLongBody["error"] as? [String: Any]
        #expect(tooLong == 400 && tooLongError?["code"] as? String == "generation.invalid_request", "\(tooLong) \(tooLongBody)")
        #expect((tooLongError?["message"] as? String)?.contains("2048 tokens per generation") == true, "\(tooLongBody)")

        // Detection never waits for generation.
        let (detected, report) = try await HTTP.request(
            "POST", d.process.baseURL + "/v1/detect", token: reader, json: ["text": ServerTests.human], timeout: 60)
        #expect(detected == 200 && report["verdict"] != nil, "\(detected) \(report)")
        for s in streams { #expect(!s.text.contains("[DONE]"), "a stream ended before the checks") }

        // A client that leaves frees its sequence: the next request runs.
        // Given back within milliseconds on an idle machine; the wait allows for a loaded CI host
        // (a run there once needed over 10 s to see the gauge change).
        streams[0].reset()
        #expect(await d.waitForGate(active: 1, queued: 0, timeout: 60))
        let (ok, _) = try await d.generate()
        #expect(ok == 200)
        streams[1].reset()
        #expect(await d.waitForGate(active: 0, queued: 0, timeout: 60))
        #expect(await d.waitForMetric("greenmark_generation_batch_size", 0, timeout: 60))
        let steps = await d.metric("greenmark_generation_decode_steps_total") ?? 0
        let sequences = await d.metric("greenmark_generation_batched_sequences_total") ?? 0
        #expect(steps > 0 && sequences / steps > 1, "mean batch size \(sequences) / \(steps)")
    }
}

extension GenerationResilienceTests.Daemon {
    /// Waits until the gauge or counter `name` reads `value`.
    func waitForMetric(_ name: String, _ value: Double, timeout: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await metric(name) == value { return true }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return false
    }
}
