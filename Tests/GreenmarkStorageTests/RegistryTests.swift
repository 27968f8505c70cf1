import Foundation
import GreenmarkStorage
import GreenmarkTestSupport
import Testing

/// Both backends, started for real: SQLite files through GRDB and databases on a real
/// PostgreSQL server. Every behaviour test runs on each.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A fresh, empty registry location on this backend.
    func freshLocation() throws -> String {
        switch self {
        case .sqlite:
            return FileManager.default.temporaryDirectory.appendingPathComponent("gm-db-\(UUID().uuidString).sqlite").path
        case .postgres:
            let server = try PostgresServer.shared()
            return server.uriWithPassword(database: try server.createDatabase())
        }
    }
}

@Suite("Registry (real SQLite through GRDB, real PostgreSQL through libpq)")
struct RegistryTests {
    @Test("certificates round-trip byte for byte; duplicates are refused; the database stays consistent", arguments: Backend.allCases)
    func certificates(backend: Backend) throws {
        let location = try backend.freshLocation()
        let registry = try Registry(location: DatabaseLocation(location))
        let record = CertificateRecord(
            id: "gmc-1", kind: "detection_attestation", subjectSHA256: String(repeating: "a", count: 64),
            issuerKeyID: "gik-1", watermarkKeyID: "wk-1", issuedAt: "2026-01-01T00:00:00Z",
            bytes: Array("{\"x\":1}\n".utf8) + [0, 255, 0x5c, 0x78])
        #expect(try registry.insert(record) == 0)
        #expect(try registry.certificate(id: "gmc-1") == record)
        #expect(try registry.certificate(id: "gmc-2") == nil)
        #expect(try registry.certificates(subjectSHA256: record.subjectSHA256).map(\.id) == ["gmc-1"])
        #expect(throws: StorageError(.duplicate, "")) { try registry.insert(record) }
        let second = CertificateRecord(
            id: "gmc-2", kind: "generation_receipt", subjectSHA256: String(repeating: "b", count: 64),
            issuerKeyID: "gik-1", watermarkKeyID: nil, issuedAt: "2026-01-01T00:00:01Z", bytes: [1, 2, 3])
        #expect(try registry.insert(second) == 1)
        #expect(try registry.certificate(id: "gmc-2") == second)
        #expect(try registry.certificateCount() == 2)
        #expect(try registry.logLeafHashes().count == 2)
        #expect(try registry.logIndex(certificateID: "gmc-2") == 1)
        #expect(try registry.logIndex(certificateID: "gmc-3") == nil)
        #expect(try registry.integrityCheck())
        // Reopening migrates nothing twice and keeps the data.
        let reopened = try Registry(location: DatabaseLocation(location))
        #expect(try reopened.certificate(id: "gmc-1") == record)
        #expect(try reopened.certificateCount() == 2)
    }

    @Test("tokens: stored as hashes, roles, expiry and immediate revocation", arguments: Backend.allCases)
    func tokens(backend: Backend) throws {
        let location = try backend.freshLocation()
        let registry = try Registry(location: DatabaseLocation(location))
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
        #expect(try registry.tokens().count == 2)
        // The database never contains the token itself.
        switch backend {
        case .sqlite:
            let bytes =
                try Data(contentsOf: URL(fileURLWithPath: location)) + ((try? Data(contentsOf: URL(fileURLWithPath: location + "-wal"))) ?? Data())
            #expect(bytes.range(of: Data(token.utf8)) == nil)
        case .postgres:
            let server = try PostgresServer.shared()
            let database = String(location.split(separator: "/").last!.split(separator: "?").first!)
            let dump = try server.psql("SELECT string_agg(id || token_sha256 || role, ',') FROM api_token", database: database)
            #expect(dump.contains("tok-") && !dump.contains(token))
        }
        #expect(Role.admin > Role.stamp && Role.stamp > Role.verify)
    }

    @Test("the audit log keeps actions in order", arguments: Backend.allCases)
    func audit(backend: Backend) throws {
        let registry = try Registry(location: DatabaseLocation(backend.freshLocation()))
        try registry.audit(actor: "tok-1", action: "keys.rotate", detail: "new primary wk-2")
        try registry.audit(actor: "tok-1", action: "tokens.revoke", detail: "tok-9")
        let log = try registry.auditLog()
        #expect(log.map(\.action) == ["tokens.revoke", "keys.rotate"])
        #expect(log[0].sequence > log[1].sequence)
        #expect(try registry.auditLog(limit: 1).count == 1)
    }

    @Test("shared key files: versioned compare-and-set, a stale writer gets storage.conflict", arguments: Backend.allCases)
    func keyFiles(backend: Backend) throws {
        let location = try backend.freshLocation()
        let a = try Registry(location: DatabaseLocation(location))
        let b = try Registry(location: DatabaseLocation(location))
        #expect(try a.keyFileVersions().isEmpty)
        #expect(try a.putKeyFile(name: "keyring.json", bytes: [1, 2, 3], expectedVersion: nil) == 1)
        // A second daemon adding the same name loses the race.
        #expect(throws: StorageError(.conflict, "")) { try b.putKeyFile(name: "keyring.json", bytes: [9], expectedVersion: nil) }
        #expect(try b.keyFile(name: "keyring.json") == KeyFileRecord(name: "keyring.json", version: 1, bytes: [1, 2, 3]))
        #expect(try b.putKeyFile(name: "keyring.json", bytes: [4, 5], expectedVersion: 1) == 2)
        // The first daemon still thinks version 1 is current: its write is refused, nothing is lost.
        #expect(throws: StorageError(.conflict, "")) { try a.putKeyFile(name: "keyring.json", bytes: [7], expectedVersion: 1) }
        #expect(try a.keyFile(name: "keyring.json")?.bytes == [4, 5])
        #expect(try a.keyFileVersions() == ["keyring.json": 2])
        #expect(try a.keyFile(name: "missing.json") == nil)
    }

    @Test("concurrent writers from two connections append to one dense log", arguments: Backend.allCases)
    func concurrentLog(backend: Backend) async throws {
        let location = try backend.freshLocation()
        let registries = try (0..<2).map { _ in try Registry(location: DatabaseLocation(location)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<8 {
                group.addTask {
                    for i in 0..<10 {
                        try registries[w % 2].insert(
                            CertificateRecord(
                                id: "gmc-\(w)-\(i)", kind: "detection_attestation",
                                subjectSHA256: String(repeating: "c", count: 64), issuerKeyID: "gik",
                                watermarkKeyID: nil, issuedAt: "2026-01-01T00:00:00Z", bytes: [UInt8(w), UInt8(i)]))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try registries[0].certificateCount() == 80)
        #expect(try registries[1].logLeafHashes().count == 80)
        #expect(
            try Set((0..<8).flatMap { w in (0..<10).map { try? registries[0].logIndex(certificateID: "gmc-\(w)-\($0)") } })
                == Set((0..<80).map { $0 }))
        #expect(try registries[0].integrityCheck())
    }

    @Test("an unwritable location, a bad URI and an unreachable server are clear errors; passwords never show")
    func badLocations() throws {
        #expect(throws: StorageError(.openFailed, "")) { try Registry(path: "/nonexistent-dir/registry.sqlite") }
        #expect(throws: StorageError(.invalidLocation, "")) { try DatabaseLocation("mysql://x@y/z") }
        #expect(throws: StorageError(.invalidLocation, "")) { try DatabaseLocation("postgresql://[::1") }
        let location = try DatabaseLocation("postgresql://gm:s3cret-pw@127.0.0.1:1/none?connect_timeout=2")
        #expect(location.hasPassword && !location.redacted.contains("s3cret-pw"))
        do {
            _ = try Registry(location: location)
            Issue.record("connected to port 1")
        } catch {
            #expect(error.code == .openFailed)
            #expect(!error.reason.contains("s3cret-pw"), "\(error.reason)")
            #expect(error.reason.contains("127.0.0.1"))
        }
    }
}
