import Foundation
import GRDB
import GreenmarkTransparency
import GreenmarkCrypto

/// The daemon's database: issued certificates, the audit log of administrative actions and API
/// tokens, in SQLite through GRDB (`DatabasePool`: WAL, concurrent readers, one writer), with
/// every schema change a registered migration.
public final class Registry: Sendable {
    private let pool: DatabasePool

    /// The registry file inside a Greenmark home.
    public static func defaultPath(home: String) -> String { home + "/registry.sqlite" }

    /// Opens the registry of a Greenmark home (`database` overrides the file), creating the home.
    public static func open(home: String, database: String?) throws(StorageError) -> Registry {
        do {
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StorageError(.openFailed, "cannot create \(home)")
        }
        return try Registry(path: database ?? defaultPath(home: home))
    }

    /// Opens (creating and migrating as needed) the database at `path`.
    public init(path: String) throws(StorageError) {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            // An acknowledged write must survive a crash of the machine, not only of the process.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
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
                try db.execute(sql: "INSERT INTO log_entry (leaf_index, certificate_id, leaf_hash) VALUES (?, ?, ?)",
                               arguments: [index, row["id"] as String, Data(MerkleTree.leafHash(Array(bytes)))])
            }
        }
        return m
    }

    // MARK: - Certificates

    /// Stores a certificate and appends it to the transparency log, in one transaction; fails on a
    /// duplicate id. Returns the certificate's leaf index in the log.
    @discardableResult
    public func insert(_ r: CertificateRecord) throws(StorageError) -> Int {
        let leaf = Data(MerkleTree.leafHash(r.bytes))
        return try write("store certificate \(r.id)") { db in
            try db.execute(sql: """
                INSERT INTO certificate (id, kind, subject_sha256, issuer_key_id, watermark_key_id, issued_at, bytes)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [r.id, r.kind, r.subjectSHA256, r.issuerKeyID, r.watermarkKeyID, r.issuedAt, Data(r.bytes)])
            let index = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log_entry") ?? 0
            try db.execute(sql: "INSERT INTO log_entry (leaf_index, certificate_id, leaf_hash) VALUES (?, ?, ?)",
                           arguments: [index, r.id, leaf])
            return index
        }
    }

    // MARK: - Transparency log

    /// The log's leaf hashes, in order.
    public func logLeafHashes() throws(StorageError) -> [[UInt8]] {
        try read { db in
            try Data.fetchAll(db, sql: "SELECT leaf_hash FROM log_entry ORDER BY leaf_index").map { Array($0) }
        }
    }

    /// The leaf index of certificate `id` in the log, if it is there.
    public func logIndex(certificateID id: String) throws(StorageError) -> Int? {
        try read { db in try Int.fetchOne(db, sql: "SELECT leaf_index FROM log_entry WHERE certificate_id = ?", arguments: [id]) }
    }

    /// The certificate with `id`, if stored.
    public func certificate(id: String) throws(StorageError) -> CertificateRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM certificate WHERE id = ?", arguments: [id]).map(Self.certificate)
        }
    }

    /// Certificates about the text with canonical SHA-256 `digest`, oldest first.
    public func certificates(subjectSHA256 digest: String) throws(StorageError) -> [CertificateRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM certificate WHERE subject_sha256 = ? ORDER BY issued_at", arguments: [digest]).map(Self.certificate)
        }
    }

    /// How many certificates are stored.
    public func certificateCount() throws(StorageError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM certificate") ?? 0 }
    }

    private static func certificate(_ row: Row) -> CertificateRecord {
        CertificateRecord(id: row["id"], kind: row["kind"], subjectSHA256: row["subject_sha256"], issuerKeyID: row["issuer_key_id"],
                          watermarkKeyID: row["watermark_key_id"], issuedAt: row["issued_at"], bytes: Array(row["bytes"] as Data))
    }

    // MARK: - Audit log

    /// Appends an administrative action.
    public func audit(actor: String, action: String, detail: String) throws(StorageError) {
        try write("append to the audit log") { db in
            try db.execute(sql: "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
                           arguments: [Self.now(), actor, action, detail])
        }
    }

    /// The most recent audit entries, newest first.
    public func auditLog(limit: Int = 100) throws(StorageError) -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY sequence DESC LIMIT ?", arguments: [limit]).map {
                AuditEntry(sequence: $0["sequence"], at: $0["at"], actor: $0["actor"], action: $0["action"], detail: $0["detail"])
            }
        }
    }

    // MARK: - API tokens

    /// Creates a token; returns its id and the secret token, which is shown once and stored only as a hash.
    public func createToken(role: Role, expiresAt: Date? = nil) throws(StorageError) -> (id: String, token: String) {
        let secret: [UInt8]
        let idBytes: [UInt8]
        do {
            secret = try SecureRandom.bytes(count: 32)
            idBytes = try SecureRandom.bytes(count: 8)
        } catch {
            throw StorageError(.writeFailed, "no randomness for a token")
        }
        let token = "gmt_" + Base64URL.encode(secret)
        let id = "tok-" + Hex.encode(idBytes)
        try write("create a token") { db in
            try db.execute(sql: "INSERT INTO api_token (id, token_sha256, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, Self.hash(token), role.rawValue, Self.now(), expiresAt.map(Self.format)])
        }
        return (id, token)
    }

    /// The live token record for `token`, or nil when unknown, revoked or expired.
    public func authenticate(token: String, at date: Date = Date()) throws(StorageError) -> TokenRecord? {
        let digest = Self.hash(token)
        let found = try read { db -> (TokenRecord, String)? in
            try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE token_sha256 = ?", arguments: [digest]).map { (Self.tokenRecord($0), $0["token_sha256"]) }
        }
        guard let (record, stored) = found, ConstantTime.equals(Array(stored.utf8), Array(digest.utf8)) else { return nil }
        if record.revokedAt != nil { return nil }
        if let expires = record.expiresAt, let when = ISO8601DateFormatter().date(from: expires), when <= date { return nil }
        return record
    }

    /// Revokes a token at once.
    public func revokeToken(id: String) throws(StorageError) -> Bool {
        try write("revoke token \(id)") { db -> Bool in
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [Self.now(), id])
            return db.changesCount > 0
        }
    }

    /// All tokens (public records).
    public func tokens() throws(StorageError) -> [TokenRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_token ORDER BY created_at").map(Self.tokenRecord) }
    }

    private static func tokenRecord(_ row: Row) -> TokenRecord {
        TokenRecord(id: row["id"], role: Role(rawValue: row["role"]) ?? .verify, createdAt: row["created_at"],
                    expiresAt: row["expires_at"], revokedAt: row["revoked_at"])
    }

    // MARK: - Maintenance

    /// SQLite's `PRAGMA integrity_check` says "ok".
    public func integrityCheck() throws(StorageError) -> Bool {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok" }
    }

    // MARK: - Helpers

    @discardableResult
    private func write<T: Sendable>(_ what: String, _ body: @Sendable (Database) throws -> T) throws(StorageError) -> T {
        do {
            return try pool.write(body)
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

    static func hash(_ token: String) -> String { Hex.encode(SHA256Digest.hash(Array(token.utf8))) }
    static func format(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    static func now() -> String { format(Date()) }
}
