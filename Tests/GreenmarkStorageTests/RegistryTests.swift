import Foundation
import GreenmarkStorage
import Testing

@Suite("Registry (real SQLite through GRDB)")
struct RegistryTests {
    func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gm-db-\(UUID().uuidString).sqlite").path
    }

    @Test("certificates round-trip byte for byte; duplicates are refused; the database stays consistent")
    func certificates() throws {
        let path = temporaryDatabase()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let registry = try Registry(path: path)
        let record = CertificateRecord(id: "gmc-1", kind: "detection_attestation", subjectSHA256: String(repeating: "a", count: 64),
                                       issuerKeyID: "gik-1", watermarkKeyID: "wk-1", issuedAt: "2026-01-01T00:00:00Z", bytes: Array("{\"x\":1}\n".utf8))
        try registry.insert(record)
        #expect(try registry.certificate(id: "gmc-1") == record)
        #expect(try registry.certificate(id: "gmc-2") == nil)
        #expect(try registry.certificates(subjectSHA256: record.subjectSHA256).map(\.id) == ["gmc-1"])
        #expect(throws: StorageError(.duplicate, "")) { try registry.insert(record) }
        #expect(try registry.certificateCount() == 1)
        #expect(try registry.integrityCheck())
        // Reopening migrates nothing twice and keeps the data.
        let reopened = try Registry(path: path)
        #expect(try reopened.certificate(id: "gmc-1") == record)
    }

    @Test("tokens: stored as hashes, roles, expiry and immediate revocation")
    func tokens() throws {
        let path = temporaryDatabase()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let registry = try Registry(path: path)
        let (id, token) = try registry.createToken(role: .stamp)
        #expect(token.hasPrefix("gmt_"))
        #expect(try registry.authenticate(token: token)?.role == .stamp)
        #expect(try registry.authenticate(token: token + "x") == nil)
        let (_, expiring) = try registry.createToken(role: .verify, expiresAt: Date().addingTimeInterval(60))
        #expect(try registry.authenticate(token: expiring) != nil)
        #expect(try registry.authenticate(token: expiring, at: Date().addingTimeInterval(120)) == nil)
        #expect(try registry.revokeToken(id: id))
        #expect(try registry.authenticate(token: token) == nil)
        #expect(try !registry.revokeToken(id: id))
        // The database file never contains the token itself.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data(token.utf8)) == nil)
        #expect(Role.admin > Role.stamp && Role.stamp > Role.verify)
    }

    @Test("the audit log keeps actions in order")
    func audit() throws {
        let path = temporaryDatabase()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let registry = try Registry(path: path)
        try registry.audit(actor: "tok-1", action: "keys.rotate", detail: "new primary wk-2")
        try registry.audit(actor: "tok-1", action: "tokens.revoke", detail: "tok-9")
        let log = try registry.auditLog()
        #expect(log.map(\.action) == ["tokens.revoke", "keys.rotate"])
        #expect(log[0].sequence > log[1].sequence)
    }

    @Test("an unwritable location is a clear error")
    func unwritable() {
        #expect(throws: StorageError(.openFailed, "")) { try Registry(path: "/nonexistent-dir/registry.sqlite") }
    }
}
