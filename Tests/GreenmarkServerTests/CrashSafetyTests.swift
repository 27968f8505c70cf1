import Foundation
import GreenmarkServer
import GreenmarkStorage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `greenmarkd` killed with SIGKILL in the middle of certificate traffic, 20 times on the
/// same home and database: every certificate a client got a 201 for must be in the registry, and
/// SQLite's integrity check must pass after every crash (WAL, `synchronous = FULL`).
@Suite("greenmarkd crash safety (kill -9 under load)", .serialized)
struct CrashSafetyTests {
    /// What the clients saw, across tasks.
    actor Outcomes {
        private(set) var acknowledged: [String] = []
        /// Requests sent before the kill that then failed (cut by it).
        private(set) var failedInFlight = 0
        private(set) var otherStatuses: [Int] = []
        private var killedAt: ContinuousClock.Instant?

        func acknowledge(_ id: String) { acknowledged.append(id) }
        func other(_ status: Int) { otherStatuses.append(status) }
        /// Called just before SIGKILL is sent; `nil` starts a new cycle.
        func markKill(_ at: ContinuousClock.Instant?) { killedAt = at }
        /// A request sent at `started` failed; it counts as cut when it was sent before the kill.
        func fail(started: ContinuousClock.Instant) {
            if let killedAt, started < killedAt { failedInFlight += 1 }
        }
    }

    static let cycles = 20
    static let clients = 4

    @Test("20 × (concurrent certificate requests, SIGKILL mid-load, restart): acknowledged certificates survive, integrity ok")
    func killNineUnderLoad() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let database = s.home + "/registry.sqlite"
        let outcomes = Outcomes()
        var storedBefore = try s.services.registry.certificateCount()
        var killedWhileRequestsOpen = 0

        for cycle in 0..<Self.cycles {
            let port = DaemonProcess.freePort()
            let daemon = try DaemonProcess(
                arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation"], environment: [:], port: port)
            let ready = await daemon.waitUntilReady(timeout: .seconds(300))
            try #require(ready, "cycle \(cycle): greenmarkd did not start: \(daemon.log)")
            let acknowledgedBefore = await outcomes.acknowledged.count

            // Clients issue certificates back to back until the connection dies.
            let clients = (0..<Self.clients).map { client in
                Task {
                    var n = 0
                    while true {
                        let text = ServerTests.human + " Cycle \(cycle), client \(client), request \(n)."
                        n += 1
                        let started = ContinuousClock.now
                        do {
                            let (status, body) = try await HTTP.request(
                                "POST", daemon.baseURL + "/v1/certificates", token: s.issuer, json: ["text": text])
                            if status == 201, let id = body["id"] as? String {
                                await outcomes.acknowledge(id)
                            } else {
                                await outcomes.other(status)
                            }
                        } catch {
                            await outcomes.fail(started: started)
                            return
                        }
                    }
                }
            }
            // Kill once this cycle has some acknowledged certificates, at a varying moment.
            let deadline = ContinuousClock.now + .seconds(60)
            while await outcomes.acknowledged.count < acknowledgedBefore + 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            try await Task.sleep(for: .milliseconds(20 * (cycle % 7)))
            let failedBefore = await outcomes.failedInFlight
            await outcomes.markKill(.now)
            #expect(kill(daemon.process.processIdentifier, SIGKILL) == 0)
            for client in clients { await client.value }
            if await outcomes.failedInFlight > failedBefore { killedWhileRequestsOpen += 1 }
            await outcomes.markKill(nil)
            let status = await daemon.waitForExit(timeout: .seconds(30))
            #expect(status == SIGKILL, "cycle \(cycle): exit status \(status.map(String.init) ?? "none")")

            // After every crash: the database is sound and holds every acknowledged certificate.
            let registry = try Registry(path: database)
            #expect(try registry.integrityCheck(), "cycle \(cycle): integrity_check failed")
            let acknowledgedSoFar = await outcomes.acknowledged
            for id in acknowledgedSoFar {
                #expect(try registry.certificate(id: id) != nil, "cycle \(cycle): acknowledged certificate \(id) is missing")
            }
            let stored = try registry.certificateCount()
            let acknowledgedNow = await outcomes.acknowledged.count
            #expect(stored >= storedBefore + acknowledgedNow - acknowledgedBefore, "cycle \(cycle): \(stored) stored")
            storedBefore = stored
        }

        let acknowledged = await outcomes.acknowledged
        let otherStatuses = await outcomes.otherStatuses
        let failedInFlight = await outcomes.failedInFlight
        #expect(acknowledged.count >= Self.cycles * 3)
        #expect(Set(acknowledged).count == acknowledged.count, "a certificate id was acknowledged twice")
        #expect(otherStatuses.isEmpty, "unexpected statuses: \(otherStatuses)")
        // Each kill is meant to land while requests are open; most cycles must show a dropped request.
        #expect(killedWhileRequestsOpen >= Self.cycles / 2, "only \(killedWhileRequestsOpen) kills interrupted a request")
        print(
            "kill -9: \(Self.cycles) cycles, \(acknowledged.count) certificates acknowledged and found, \(failedInFlight) requests cut by the kill, \(killedWhileRequestsOpen) cycles killed mid-request, \(storedBefore) stored"
        )
    }
}
