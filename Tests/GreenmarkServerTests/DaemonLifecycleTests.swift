import Foundation
import GreenmarkStorage
import Testing

/// The real `greenmarkd` process: SIGTERM drains in-flight requests, refuses new connections,
/// exits 0 and leaves a sound registry with every acknowledged certificate.
@Suite("greenmarkd process lifecycle", .serialized)
struct DaemonLifecycleTests {
    /// Collects when the slow request finished, across tasks.
    actor Clock {
        var finished: ContinuousClock.Instant?
        func finish() { finished = .now }
    }

    @Test("SIGTERM: the in-flight request completes with 201 and is stored, new connections are refused, exit 0, integrity ok")
    func gracefulDrain() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation"], environment: [:], port: port)
        #expect(await daemon.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start: \(daemon.log)")

        // Certificates acknowledged before the signal.
        var acknowledged: [String] = []
        for i in 0..<5 {
            let (status, body) = try await HTTP.request("POST", daemon.baseURL + "/v1/certificates", token: s.issuer,
                                                       json: ["text": ServerTests.human + " Copy \(i)."])
            #expect(status == 201)
            if let id = body["id"] as? String { acknowledged.append(id) }
        }
        #expect(acknowledged.count == 5)

        // Slow requests: four certifications of a text near the 500,000-character limit (about
        // 100,000 tokens each to normalize, tokenize and score, then sign and store), in parallel,
        // so draining lasts seconds even on a loaded machine.
        let big = String(repeating: ServerTests.human + " ", count: 480_000 / (ServerTests.human.count + 1))
        let clock = Clock()
        let slow = (0..<4).map { i in
            Task { () -> (status: Int, id: String?, body: String)? in
                // nil: the request never got a response (it had not reached the daemon when the
                // listener closed).
                guard let (status, body) = try? await HTTP.request("POST", daemon.baseURL + "/v1/certificates", token: s.issuer,
                                                                  json: ["text": big + " Variant \(i)."]) else { return nil }
                await clock.finish()
                return (status, body["id"] as? String, "\(body["error"] ?? "")")
            }
        }
        // Signal once the daemon is handling slow requests: all four, or at least one after 10 s
        // (on a loaded machine the client may send them one after another). A fixed sleep could
        // signal before any request arrived.
        let observed = await daemon.waitForRequestsInFlight(atLeast: 4, orAtLeast: 1, after: .seconds(10), timeout: .seconds(300))
        #expect(observed >= 1, "no slow request reached the daemon")
        let signalled = ContinuousClock.now
        daemon.terminate()
        // The listener closes at once: new connections are refused while the requests drain.
        let watcher = RefusalWatcher(port: port, timeout: .seconds(30))

        // Every request the daemon was handling completes with 201; none gets another status.
        var inFlight: [String] = []
        for task in slow {
            guard let (status, id, body) = await task.value else { continue }
            #expect(status == 201, "in-flight request: \(body)")
            if let id { inFlight.append(id) }
        }
        let refusedAt = await watcher.result()
        #expect(refusedAt != nil, "the listener still accepts connections after SIGTERM")
        #expect(inFlight.count >= observed, "\(observed) requests were in flight at SIGTERM, \(inFlight.count) completed")
        let finished = try #require(await clock.finished)   // the last to complete
        #expect(finished > signalled, "the slow requests finished before SIGTERM; the test did not exercise draining")
        if let refusedAt { #expect(refusedAt < finished, "new connections were not refused while draining") }

        #expect(await daemon.waitForExit() == 0, "exit status; log: \(daemon.log)")
        #expect(DaemonProcess.connectionRefused(port: port))

        let registry = try Registry(path: s.home + "/registry.sqlite")
        #expect(try registry.integrityCheck())
        for id in acknowledged + inFlight {
            #expect(try registry.certificate(id: id) != nil, "acknowledged certificate \(id) is missing")
        }
        print("drain: SIGTERM→refused \(refusedAt.map { $0 - signalled } ?? .zero), SIGTERM→in-flight done \(finished - signalled)")
    }
}
