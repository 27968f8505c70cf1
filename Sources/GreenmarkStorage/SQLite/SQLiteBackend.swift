import Foundation
import GRDB
import GreenmarkTransparency

/// The embedded default: SQLite through GRDB (`DatabasePool`: WAL, concurrent readers, one
/// writer, `synchronous = FULL`), every schema change a registered migration.
final class SQLiteBackend: RegistryBackend {
    private let pool: DatabasePool
    let description: String

    /// Opens (creating and migrating as needed) the database at `path`.
    init(path: String) throws(StorageError) {
        description = "SQLite at \(path)"
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            // An acknowledged write must survive a crash of the machine, not only of the process.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            // A registry that can be read but not written (a read-only file system where the WAL
            // and shared-memory files survived an unclean close, so opening and reading succeed)
            // is refused now, not at the first certificate. `BEGIN IMMEDIATE` alone succeeds on such
            // a database; a schema change does not, and is rolled back when it does.
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "CREATE TABLE greenmark_write_probe (x)")
                    return .rollback
                }
            }
        } catch {
            throw StorageError(.openFailed, "cannot open the registry at \(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "certificate") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("subject_sha256", .text).notNull().indexed()
                t.column("issuer_key_id", .text).notNull()
                t.column("watermark_key_id", .text)
                t.column("issued_at", .text).notNull()
                t.column("bytes", .blob).notNull()
            }
            try db.create(table: "audit_log") { t in
                t.autoIncrementedPrimaryKey("sequence")
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(table: "api_token") { t in
                t.primaryKey("id", .text)
                t.column("token_sha256", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("created_at", .text).notNull()
                t.column("expires_at", .text)
                t.column("revoked_at", .text)
            }
        }
        // The transparency log: one leaf per stored certificate, in order (docs/transparency-log.md).
        m.registerMigration("v2-transparency-log") { db in
            try db.create(table: "log_entry") { t in
                t.primaryKey("leaf_index", .integer)
                t.column("certificate_id", .text).notNull().unique().references("certificate")
                t.column("leaf_hash", .blob).notNull()
            }
            // Certificates stored before the log existed are appended in the order they were stored.
            let rows = try Row.fetchAll(db, sql: "SELECT id, bytes FROM certificate ORDER BY rowid")
            for (index, row) in rows.enumerated() {
                let bytes: Data = row["bytes"]
                try db.execute(
                    sql: "INSERT INTO log_entry (leaf_index, certificate_id, leaf_hash) VALUES (?, ?, ?)",
                    arguments: [index, row["id"] as String, Data(MerkleTree.leafHash(Array(bytes)))])
            }
        }
        // Key files shared by several daemons (docs/scale-out.md).
        m.registerMigration("v3-key-files") { db in
            try db.create(table: "key_file") { t in
                t.primaryKey("name", .text)
                t.column("version", .integer).notNull()
                t.column("bytes", .blob).notNull()
                t.column("updated_at", .text).notNull()
            }
        }
        // Permissions granted to a token on top of its role (`tokens create --inspect`).
        m.registerMigration("v4-token-permissions") { db in
            try db.alter(table: "api_token") { t in t.add(column: "permissions", .text).notNull().defaults(to: "") }
        }
        // The checkpoints daemons signed, one per tree size (docs/transparency-log.md).
        m.registerMigration("v5-log-checkpoints") { db in
            try db.create(table: "log_checkpoint") { t in
                t.primaryKey("tree_size", .integer)
                t.column("note", .text).notNull()
                t.column("signed_at", .text).notNull()
            }
        }
        return m
    }

    // MARK: - Certificates and the log

    func insert(_ r: CertificateRecord, leafHash: [UInt8]) throws(StorageError) -> Int {
        try write("store certificate \(r.id)") { db in
            try db.execute(
                sql: """
                    INSERT INTO certificate (id, kind, subject_sha256, issuer_key_id, watermark_key_id, issued_at, bytes)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [r.id, r.kind, r.subjectSHA256, r.issuerKeyID, r.watermarkKeyID, r.issuedAt, Data(r.bytes)])
            let index = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM log_entry") ?? 0
            try db.execute(
                sql: "INSERT INTO log_entry (leaf_index, certificate_id, leaf_hash) VALUES (?, ?, ?)",
                arguments: [index, r.id, Data(leafHash)])
            return index
        }
    }

    func logLeafHashes(from start: Int) throws(StorageError) -> [[UInt8]] {
        try read { db in
            try Data.fetchAll(db, sql: "SELECT leaf_hash FROM log_entry WHERE leaf_index >= ? ORDER BY leaf_index", arguments: [start]).map {
                Array($0)
            }
        }
    }

    func logIndex(certificateID id: String) throws(StorageError) -> Int? {
        try read { db in try Int.fetchOne(db, sql: "SELECT leaf_index FROM log_entry WHERE certificate_id = ?", arguments: [id]) }
    }

    func certificate(id: String) throws(StorageError) -> CertificateRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM certificate WHERE id = ?", arguments: [id]).map(Self.certificate) }
    }

    func certificates(subjectSHA256 digest: String) throws(StorageError) -> [CertificateRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM certificate WHERE subject_sha256 = ? ORDER BY issued_at", arguments: [digest]).map(
                Self.certificate)
        }
    }

    func certificateCount() throws(StorageError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM certificate") ?? 0 }
    }

    func newestLogCheckpoint() throws(StorageError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT note FROM log_checkpoint ORDER BY tree_size DESC LIMIT 1") }
    }

    func recordLogCheckpoint(size: Int, note: String, at: String) throws(StorageError) -> String {
        try write("record the checkpoint of \(size) leaves") { db -> String in
            try db.execute(
                sql: "INSERT INTO log_checkpoint (tree_size, note, signed_at) VALUES (?, ?, ?) ON CONFLICT (tree_size) DO NOTHING",
                arguments: [size, note, at])
            return try String.fetchOne(db, sql: "SELECT note FROM log_checkpoint WHERE tree_size = ?", arguments: [size]) ?? note
        }
    }

    private static func certificate(_ row: Row) -> CertificateRecord {
        CertificateRecord(
            id: row["id"], kind: row["kind"], subjectSHA256: row["subject_sha256"], issuerKeyID: row["issuer_key_id"],
            watermarkKeyID: row["watermark_key_id"], issuedAt: row["issued_at"], bytes: Array(row["bytes"] as Data))
    }

    // MARK: - Audit log and tokens

    func appendAudit(at: String, actor: String, action: String, detail: String) throws(StorageError) {
        try write("append to the audit log") { db in
            try db.execute(sql: "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)", arguments: [at, actor, action, detail])
        }
    }

    func auditLog(limit: Int) throws(StorageError) -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY sequence DESC LIMIT ?", arguments: [limit]).map {
                AuditEntry(sequence: $0["sequence"], at: $0["at"], actor: $0["actor"], action: $0["action"], detail: $0["detail"])
            }
        }
    }

    func insertToken(id: String, digest: String, role: Role, permissions: String, createdAt: String, expiresAt: String?) throws(StorageError) {
        try write("create a token") { db in
            try db.execute(
                sql: "INSERT INTO api_token (id, token_sha256, role, permissions, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [id, digest, role.rawValue, permissions, createdAt, expiresAt])
        }
    }

    func token(digest: String) throws(StorageError) -> (record: TokenRecord, storedDigest: String)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE token_sha256 = ?", arguments: [digest]).map {
                (Self.tokenRecord($0), $0["token_sha256"])
            }
        }
    }

    func revokeToken(id: String, at: String) throws(StorageError) -> Bool {
        try write("revoke token \(id)") { db -> Bool in
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [at, id])
            return db.changesCount > 0
        }
    }

    func tokens() throws(StorageError) -> [TokenRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_token ORDER BY created_at").map(Self.tokenRecord) }
    }

    private static func tokenRecord(_ row: Row) -> TokenRecord {
        TokenRecord(
            id: row["id"], role: Role(rawValue: row["role"]) ?? .verify, createdAt: row["created_at"],
            expiresAt: row["expires_at"], revokedAt: row["revoked_at"], permissions: TokenRecord.decodePermissions(row["permissions"]))
    }

    // MARK: - Key files

    /// Thrown inside a write to roll it back when a compare-and-set fails.
    private struct KeyFileConflict: Error {}

    func keyFileVersions() throws(StorageError) -> [String: Int64] {
        try read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT name, version FROM key_file").map {
                    ($0["name"] as String, $0["version"] as Int64)
                })
        }
    }

    func keyFiles() throws(StorageError) -> [KeyFileRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, version, bytes FROM key_file ORDER BY name").map {
                KeyFileRecord(name: $0["name"], version: $0["version"], bytes: Array($0["bytes"] as Data))
            }
        }
    }

    func putKeyFiles(_ changes: [KeyFileChange], at: String) throws(StorageError) -> [String: Int64] {
        let versions = try write("store key files") { db -> [String: Int64]? in
            var versions: [String: Int64] = [:]
            for change in changes {
                if let expected = change.expectedVersion {
                    try db.execute(
                        sql: "UPDATE key_file SET version = version + 1, bytes = ?, updated_at = ? WHERE name = ? AND version = ?",
                        arguments: [Data(change.bytes), at, change.name, expected])
                    guard db.changesCount == 1 else { throw KeyFileConflict() }
                    versions[change.name] = expected + 1
                } else {
                    try db.execute(
                        sql: "INSERT INTO key_file (name, version, bytes, updated_at) VALUES (?, 1, ?, ?) ON CONFLICT (name) DO NOTHING",
                        arguments: [change.name, Data(change.bytes), at])
                    guard db.changesCount == 1 else { throw KeyFileConflict() }
                    versions[change.name] = 1
                }
            }
            return versions
        }
        guard let versions else { throw StorageError(.conflict, "a key file was changed by another daemon first") }
        return versions
    }

    func databaseIntegrityCheck() throws(StorageError) -> Bool {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok" }
    }

    // MARK: - Helpers

    @discardableResult
    private func write<T: Sendable>(_ what: String, _ body: @Sendable (Database) throws -> T) throws(StorageError) -> T {
        do {
            return try pool.write(body)
        } catch is KeyFileConflict {
            throw StorageError(.conflict, "cannot \(what): another daemon changed it first")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StorageError(.duplicate, "cannot \(what): a record with the same id exists")
        } catch {
            throw StorageError(.writeFailed, "cannot \(what): \(error)")
        }
    }

    private func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws(StorageError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StorageError(.readFailed, "cannot read the registry: \(error)")
        }
    }
}
