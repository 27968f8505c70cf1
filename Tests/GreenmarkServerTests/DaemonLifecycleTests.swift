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
        #expect(await daemon.waitUntilReady(timeout: .seconds(180)), "greenmarkd did not start: \(daemon.log)")

        // Certificates acknowledged before the signal.
        var acknowledged: [String] = []
        for i in 0..<5 {
            let (status, body) = try await HTTP.request("POST", daemon.baseURL + "/v1/certificates", token: s.issuer,
                                                       json: ["text": ServerTests.human + " Copy \(i)."])
            #expect(status == 201)
            if let id = body["id"] as? String { acknowledged.append(id) }
        }
        #expect(acknowledged.count == 5)

        // Slow requests: three certifications of a text near the 500,000-character limit (about
        // 100,000 tokens each to normalize, tokenize and score, then sign and store), in parallel,
        // so draining lasts seconds even on a loaded machine.
        let big = String(repeating: ServerTests.human + " ", count: 480_000 / (ServerTests.human.count + 1))
        let clock = Clock()
        let slow = (0..<3).map { i in
            Task { () throws -> (status: Int, id: String?, body: String) in
                let (status, body) = try await HTTP.request("POST", daemon.baseURL + "/v1/certificates", token: s.issuer,
                                                           json: ["text": big + " Variant \(i)."])
                await clock.finish()
                return (status, body["id"] as? String, "\(body["error"] ?? "")")
            }
        }
        // Signal only once the daemon is handling all three (on a loaded machine a fixed sleep
        // could signal before a connection was accepted, and that request would be refused).
        let reached = await daemon.waitForRequestsInFlight(atLeast: 3, timeout: .seconds(120))
        #expect(reached, "the three slow requests never reached the daemon together")
        let signalled = ContinuousClock.now
        daemon.terminate()

        // The listener closes at once: new connections are refused while the requests drain.
        var refusedAt: ContinuousClock.Instant?
        while ContinuousClock.now < signalled + .seconds(10) {
            if DaemonProcess.connectionRefused(port: port) { refusedAt = .now; break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(refusedAt != nil, "the listener still accepts connections after SIGTERM")

        var inFlight: [String] = []
        for task in slow {
            let (status, id, body) = try await task.value
            #expect(status == 201, "in-flight request: \(body)")
            if let id { inFlight.append(id) }
        }
        let finished = try #require(await clock.finished)   // the last of the three
        #expect(finished > signalled, "the slow requests finished before SIGTERM; the test did not exercise draining")
        if let refusedAt { #expect(refusedAt < finished, "new connections were not refused while draining") }
        #expect(inFlight.count == 3)

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
