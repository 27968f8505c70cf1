import Foundation
import GreenmarkStorage
import Testing

/// The real `greenmarkd` process: SIGTERM drains in-flight requests, refuses new connections,
/// exits 0 and leaves a sound registry with every acknowledged certificate.
@Suite("greenmarkd process lifecycle", .serialized)
struct DaemonLifecycleTests {
    @Test("SIGTERM: the in-flight request completes with 201 and is stored, new connections are refused, exit 0, integrity ok")
    func gracefulDrain() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation", "--drain-timeout", "300"], environment: [:], port: port)
        #expect(await daemon.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start: \(daemon.log)")

        // Certificates acknowledged before the signal.
        var acknowledged: [String] = []
        for i in 0..<5 {
            let (status, body) = try await HTTP.request(
                "POST", daemon.baseURL + "/v1/certificates", token: s.issuer,
                json: ["text": ServerTests.human + " Copy \(i)."])
            #expect(status == 201)
            if let id = body["id"] as? String { acknowledged.append(id) }
        }
        #expect(acknowledged.count == 5)

        // Requests in flight at the signal: three certifications whose bodies are half sent, so
        // the daemon holds them (its handlers wait for the rest) until the test sends the rest
        // after SIGTERM. Deterministic on any machine: a merely slow request could finish before
        // the signal, or not have arrived yet.
        let held = try (0..<3).map { i in
            try HalfSentRequest(port: port, path: "/v1/certificates", token: s.issuer, json: ["text": ServerTests.human + " In flight \(i)."])
        }
        let observed = await daemon.waitForRequestsInFlight(atLeast: 3, orAtLeast: 3, after: .zero, timeout: .seconds(300))
        #expect(observed == 3, "the daemon did not show the three held requests in flight")
        let signalled = ContinuousClock.now
        daemon.terminate()
        // The listener closes at once: new connections are refused while the requests drain.
        let refusedAt = await RefusalWatcher(port: port, timeout: .seconds(30)).result()
        #expect(refusedAt != nil, "the listener still accepts connections after SIGTERM")
        #expect(daemon.isRunning, "the daemon exited with requests in flight")

        // Now the held requests complete, after the signal and the refusal: each with 201.
        var inFlight: [String] = []
        for request in held {
            let (status, id, body) = try await Task.detached { () throws -> (Int, String?, String) in
                let (status, body) = try request.finish()
                return (status, body["id"] as? String, "\(body)")
            }.value
            #expect(status == 201, "in-flight request: \(body)")
            if let id { inFlight.append(id) }
        }
        #expect(inFlight.count == 3)
        let finished = ContinuousClock.now

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
