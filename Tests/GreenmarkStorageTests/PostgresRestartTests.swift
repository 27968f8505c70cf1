import Foundation
import GreenmarkStorage
import GreenmarkTestSupport
import Testing

/// A PostgreSQL server that restarts or goes away under a live registry (issue #10's faults,
/// for the shared database of `docs/scale-out.md`).
@Suite("PostgreSQL restart and outage under a live registry")
struct PostgresRestartTests {
    static func record(_ id: String) -> CertificateRecord {
        CertificateRecord(
            id: id, kind: "detection_attestation", subjectSHA256: String(repeating: "e", count: 64), issuerKeyID: "gik",
            watermarkKeyID: nil, issuedAt: "2026-01-01T00:00:00Z", bytes: Array(id.utf8))
    }

    @Test(
        "after a restart the next call succeeds although every pooled connection is dead; during an outage calls fail with a clear error; nothing stored is lost"
    )
    func restartAndOutage() throws {
        let server = try PostgresServer.dedicated()
        defer { server.stop() }
        let registry = try Registry(location: DatabaseLocation(server.uriWithPassword(database: try server.createDatabase())))
        // Several connections in the pool: concurrent writers.
        DispatchQueue.concurrentPerform(iterations: 8) { i in _ = try? registry.insert(Self.record("gmc-\(i)")) }
        #expect(try registry.certificateCount() == 8)

        // Restart with no call in between: every idle connection now points at the old server.
        server.stop()
        try server.start()
        #expect(try registry.certificateCount() == 8)
        #expect(try registry.insert(Self.record("gmc-after-restart")) == 8)
        DispatchQueue.concurrentPerform(iterations: 8) { i in _ = try? registry.certificate(id: "gmc-\(i)") }

        // An outage: a clear storage error naming the server, never the password; no crash.
        server.stop()
        do throws(StorageError) {
            _ = try registry.insert(Self.record("gmc-during-outage"))
            Issue.record("an insert succeeded with the server down")
        } catch {
            #expect(error.code == .openFailed, "\(error)")
            #expect(error.reason.contains("cannot connect to") && !error.reason.contains(server.password), "\(error.reason)")
        }
        try server.start()
        #expect(try registry.certificateCount() == 9)
        #expect(try registry.certificate(id: "gmc-during-outage") == nil)
        #expect(try registry.insert(Self.record("gmc-back")) == 9)
        #expect(try registry.logIndex(certificateID: "gmc-back") == 9)
        #expect(try registry.integrityCheck())
    }
}
