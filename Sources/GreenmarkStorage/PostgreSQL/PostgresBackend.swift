import Foundation

/// The scale-out backend: PostgreSQL through libpq, shared by several `greenmarkd` processes.
/// The same migrations as SQLite, applied once under an advisory lock (daemons may start
/// together); log appends are serialized with a transaction-scoped advisory lock so leaf indices
/// stay dense and in commit order across daemons.
final class PostgresBackend: RegistryBackend {
    private let pool: PostgresPool
    let description: String

    /// Advisory-lock keys (arbitrary constants, "GM" + purpose).
    private static let migrationLock: Int64 = 0x474D_0001
    private static let logLock: Int64 = 0x474D_0002

    /// The migrations, by the same names as SQLite's, as PostgreSQL statements.
    static let migrations: [(name: String, statements: [String])] = [
        (
            "v1",
            [
                """
                CREATE TABLE certificate (id TEXT PRIMARY KEY, kind TEXT NOT NULL, subject_sha256 TEXT NOT NULL,
                    issuer_key_id TEXT NOT NULL, watermark_key_id TEXT, issued_at TEXT NOT NULL, bytes BYTEA NOT NULL)
                """,
                "CREATE INDEX certificate_on_subject_sha256 ON certificate (subject_sha256)",
                "CREATE TABLE audit_log (sequence BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL)",
                """
                CREATE TABLE api_token (id TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
                    created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT)
                """,
            ]
        ),
        (
            "v2-transparency-log",
            [
                """
                CREATE TABLE log_entry (leaf_index BIGINT PRIMARY KEY, certificate_id TEXT NOT NULL UNIQUE REFERENCES certificate (id),
                    leaf_hash BYTEA NOT NULL)
                """
            ]
        ),
        (
            "v3-key-files",
            [
                "CREATE TABLE key_file (name TEXT PRIMARY KEY, version BIGINT NOT NULL, bytes BYTEA NOT NULL, updated_at TEXT NOT NULL)"
            ]
        ),
        (
            "v4-token-permissions",
            [
                "ALTER TABLE api_token ADD COLUMN permissions TEXT NOT NULL DEFAULT ''"
            ]
        ),
        (
            "v5-log-checkpoints",
            [
                "CREATE TABLE log_checkpoint (tree_size BIGINT PRIMARY KEY, note TEXT NOT NULL, signed_at TEXT NOT NULL)"
            ]
        ),
    ]

    init(location: DatabaseLocation) throws(StorageError) {
        description = "PostgreSQL at \(location.redacted)"
        pool = PostgresPool(conninfo: location.value, redacted: location.redacted)
        do {
            try migrate()
        } catch {
            throw StorageError(.openFailed, "cannot open the registry (\(description)): \(error.reason)")
        }
    }

    /// Applies the migrations not yet recorded in `grdb_migrations` (GRDB's table name, so both
    /// backends list their applied migrations the same way).
    private func migrate() throws(StorageError) {
        try pool.with { (c) throws(StorageError) in
            try c.execute("SELECT pg_advisory_lock($1)", [.int(Self.migrationLock)])
            defer { _ = try? c.execute("SELECT pg_advisory_unlock($1)", [.int(Self.migrationLock)]) }
            try c.execute("CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            let applied = Set(try c.execute("SELECT identifier FROM grdb_migrations").rows.compactMap { $0[0] })
            for migration in Self.migrations where !applied.contains(migration.name) {
                try c.transaction { (c) throws(StorageError) in
                    for statement in migration.statements { try c.execute(statement) }
                    try c.execute("INSERT INTO grdb_migrations (identifier) VALUES ($1)", [.text(migration.name)])
                }
            }
        }
    }

    // MARK: - Certificates and the log

    func insert(_ r: CertificateRecord, leafHash: [UInt8]) throws(StorageError) -> Int {
        try pool.transaction { (c) throws(StorageError) -> Int in
            try c.execute("SELECT pg_advisory_xact_lock($1)", [.int(Self.logLock)])
            try c.execute(
                """
                INSERT INTO certificate (id, kind, subject_sha256, issuer_key_id, watermark_key_id, issued_at, bytes)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    .text(r.id), .text(r.kind), .text(r.subjectSHA256), .text(r.issuerKeyID), .optional(r.watermarkKeyID),
                    .text(r.issuedAt), .bytes(r.bytes),
                ])
            let index = Int(try c.execute("SELECT COALESCE(MAX(leaf_index) + 1, 0) AS n FROM log_entry").int(0, "n") ?? 0)
            try c.execute(
                "INSERT INTO log_entry (leaf_index, certificate_id, leaf_hash) VALUES ($1, $2, $3)",
                [.int(Int64(index)), .text(r.id), .bytes(leafHash)])
            return index
        }
    }

    func logLeafHashes(from start: Int) throws(StorageError) -> [[UInt8]] {
        let rows = try query("SELECT leaf_hash FROM log_entry WHERE leaf_index >= $1 ORDER BY leaf_index", [.int(Int64(start))])
        return (0..<rows.count).compactMap { rows.bytes($0, "leaf_hash") }
    }

    func logIndex(certificateID id: String) throws(StorageError) -> Int? {
        let rows = try query("SELECT leaf_index FROM log_entry WHERE certificate_id = $1", [.text(id)])
        return rows.count == 0 ? nil : rows.int(0, "leaf_index").map(Int.init)
    }

    func certificate(id: String) throws(StorageError) -> CertificateRecord? {
        let rows = try query("SELECT * FROM certificate WHERE id = $1", [.text(id)])
        return rows.count == 0 ? nil : Self.certificate(rows, 0)
    }

    func certificates(subjectSHA256 digest: String) throws(StorageError) -> [CertificateRecord] {
        let rows = try query("SELECT * FROM certificate WHERE subject_sha256 = $1 ORDER BY issued_at", [.text(digest)])
        return (0..<rows.count).map { Self.certificate(rows, $0) }
    }

    func certificateCount() throws(StorageError) -> Int {
        Int(try query("SELECT COUNT(*) AS n FROM certificate").int(0, "n") ?? 0)
    }

    func newestLogCheckpoint() throws(StorageError) -> String? {
        let rows = try query("SELECT note FROM log_checkpoint ORDER BY tree_size DESC LIMIT 1")
        return rows.count == 0 ? nil : rows.text(0, "note")
    }

    func recordLogCheckpoint(size: Int, note: String, at: String) throws(StorageError) -> String {
        try query(
            "INSERT INTO log_checkpoint (tree_size, note, signed_at) VALUES ($1, $2, $3) ON CONFLICT (tree_size) DO NOTHING",
            [.int(Int64(size)), .text(note), .text(at)])
        let rows = try query("SELECT note FROM log_checkpoint WHERE tree_size = $1", [.int(Int64(size))])
        return rows.count == 0 ? note : rows.text(0, "note") ?? note
    }

    private static func certificate(_ rows: PostgresRows, _ i: Int) -> CertificateRecord {
        CertificateRecord(
            id: rows.text(i, "id") ?? "", kind: rows.text(i, "kind") ?? "", subjectSHA256: rows.text(i, "subject_sha256") ?? "",
            issuerKeyID: rows.text(i, "issuer_key_id") ?? "", watermarkKeyID: rows.text(i, "watermark_key_id"),
            issuedAt: rows.text(i, "issued_at") ?? "", bytes: rows.bytes(i, "bytes") ?? [])
    }

    // MARK: - Audit log and tokens

    func appendAudit(at: String, actor: String, action: String, detail: String) throws(StorageError) {
        try query(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES ($1, $2, $3, $4)", [.text(at), .text(actor), .text(action), .text(detail)])
    }

    func auditLog(limit: Int) throws(StorageError) -> [AuditEntry] {
        let rows = try query("SELECT * FROM audit_log ORDER BY sequence DESC LIMIT $1", [.int(Int64(limit))])
        return (0..<rows.count).map {
            AuditEntry(
                sequence: rows.int($0, "sequence") ?? 0, at: rows.text($0, "at") ?? "", actor: rows.text($0, "actor") ?? "",
                action: rows.text($0, "action") ?? "", detail: rows.text($0, "detail") ?? "")
        }
    }

    func insertToken(id: String, digest: String, role: Role, permissions: String, createdAt: String, expiresAt: String?) throws(StorageError) {
        try query(
            "INSERT INTO api_token (id, token_sha256, role, permissions, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            [.text(id), .text(digest), .text(role.rawValue), .text(permissions), .text(createdAt), .optional(expiresAt)])
    }

    func token(digest: String) throws(StorageError) -> (record: TokenRecord, storedDigest: String)? {
        let rows = try query("SELECT * FROM api_token WHERE token_sha256 = $1", [.text(digest)])
        guard rows.count == 1, let stored = rows.text(0, "token_sha256") else { return nil }
        return (Self.tokenRecord(rows, 0), stored)
    }

    func revokeToken(id: String, at: String) throws(StorageError) -> Bool {
        try query("UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id", [.text(at), .text(id)]).count > 0
    }

    func tokens() throws(StorageError) -> [TokenRecord] {
        let rows = try query("SELECT * FROM api_token ORDER BY created_at")
        return (0..<rows.count).map { Self.tokenRecord(rows, $0) }
    }

    private static func tokenRecord(_ rows: PostgresRows, _ i: Int) -> TokenRecord {
        TokenRecord(
            id: rows.text(i, "id") ?? "", role: Role(rawValue: rows.text(i, "role") ?? "") ?? .verify,
            createdAt: rows.text(i, "created_at") ?? "", expiresAt: rows.text(i, "expires_at"), revokedAt: rows.text(i, "revoked_at"),
            permissions: TokenRecord.decodePermissions(rows.text(i, "permissions")))
    }

    // MARK: - Key files

    func keyFileVersions() throws(StorageError) -> [String: Int64] {
        let rows = try query("SELECT name, version FROM key_file")
        var out: [String: Int64] = [:]
        for i in 0..<rows.count { if let name = rows.text(i, "name"), let v = rows.int(i, "version") { out[name] = v } }
        return out
    }

    func keyFiles() throws(StorageError) -> [KeyFileRecord] {
        let rows = try query("SELECT name, version, bytes FROM key_file ORDER BY name")
        return (0..<rows.count).compactMap { i in
            guard let name = rows.text(i, "name"), let version = rows.int(i, "version"), let bytes = rows.bytes(i, "bytes") else { return nil }
            return KeyFileRecord(name: name, version: version, bytes: bytes)
        }
    }

    func putKeyFiles(_ changes: [KeyFileChange], at: String) throws(StorageError) -> [String: Int64] {
        try pool.transaction { (c) throws(StorageError) -> [String: Int64] in
            var versions: [String: Int64] = [:]
            for change in changes {
                let rows: PostgresRows
                if let expected = change.expectedVersion {
                    rows = try c.execute(
                        "UPDATE key_file SET version = version + 1, bytes = $1, updated_at = $2 WHERE name = $3 AND version = $4 RETURNING version",
                        [.bytes(change.bytes), .text(at), .text(change.name), .int(expected)])
                } else {
                    rows = try c.execute(
                        "INSERT INTO key_file (name, version, bytes, updated_at) VALUES ($1, 1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING version",
                        [.text(change.name), .bytes(change.bytes), .text(at)])
                }
                guard rows.count == 1, let version = rows.int(0, "version") else {
                    throw StorageError(.conflict, "key file \(change.name) was changed by another daemon first")
                }
                versions[change.name] = version
            }
            return versions
        }
    }

    /// PostgreSQL checks its own pages (checksums, WAL); this checks the registry's invariants:
    /// the server answers, and every log leaf points at a stored certificate (the foreign key).
    func databaseIntegrityCheck() throws(StorageError) -> Bool {
        let rows = try query("SELECT COUNT(*) AS n FROM log_entry l LEFT JOIN certificate c ON c.id = l.certificate_id WHERE c.id IS NULL")
        return rows.int(0, "n") == 0
    }

    @discardableResult
    private func query(_ sql: String, _ parameters: [PostgresValue] = []) throws(StorageError) -> PostgresRows {
        try pool.with { (c) throws(StorageError) -> PostgresRows in try c.execute(sql, parameters) }
    }
}
