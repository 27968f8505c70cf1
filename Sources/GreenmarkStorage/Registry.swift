import Foundation
import GreenmarkCrypto
import GreenmarkTransparency

/// The daemon's database: issued certificates with their transparency-log leaves, the audit log
/// of administrative actions, API tokens and shared key files. SQLite through GRDB is the
/// embedded default; PostgreSQL (libpq) lets several daemons share one registry
/// (docs/scale-out.md). Both run the same migrations and behave the same.
public final class Registry: Sendable {
    private let backend: any RegistryBackend

    /// The registry file inside a Greenmark home.
    public static func defaultPath(home: String) -> String { home + "/registry.sqlite" }

    /// Opens the registry of a Greenmark home (`database`, a path or a PostgreSQL URI, overrides
    /// the home's SQLite file), creating the home.
    public static func open(home: String, database: String?) throws(StorageError) -> Registry {
        do {
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StorageError(.openFailed, "cannot create \(home)")
        }
        return try Registry(location: DatabaseLocation(database ?? defaultPath(home: home)))
    }

    /// Opens (creating and migrating as needed) the SQLite database at `path`.
    public convenience init(path: String) throws(StorageError) {
        try self.init(location: DatabaseLocation(path))
    }

    /// Opens (creating and migrating as needed) the database at `location`.
    public init(location: DatabaseLocation) throws(StorageError) {
        switch location.kind {
        case .sqlite: backend = try SQLiteBackend(path: location.value)
        case .postgres: backend = try PostgresBackend(location: location)
        }
    }

    /// "SQLite at PATH" or "PostgreSQL at URI" (password redacted).
    public var description: String { backend.description }

    // MARK: - Certificates

    /// Stores a certificate and appends it to the transparency log, in one transaction; fails on a
    /// duplicate id. Returns the certificate's leaf index in the log.
    @discardableResult
    public func insert(_ r: CertificateRecord) throws(StorageError) -> Int {
        try backend.insert(r, leafHash: LogLeaf.hash(certificate: r.bytes))
    }

    // MARK: - Transparency log

    /// The log's leaf hashes from leaf index `start` on (default: all), in order. Leaves are
    /// append-only and numbered densely in commit order, so a reader holding the first n can ask
    /// for the rest `from: n`.
    public func logLeafHashes(from start: Int = 0) throws(StorageError) -> [[UInt8]] { try backend.logLeafHashes(from: start) }

    /// The leaf index of certificate `id` in the log, if it is there.
    public func logIndex(certificateID id: String) throws(StorageError) -> Int? { try backend.logIndex(certificateID: id) }

    /// The signed checkpoint note of the largest tree any daemon recorded (`recordLogCheckpoint`), if any.
    public func newestLogCheckpoint() throws(StorageError) -> String? { try backend.newestLogCheckpoint() }

    /// Records the signed checkpoint `note` of a tree of `size` leaves, unless one is recorded for
    /// that size already (the first recorded stays: one note per size). Returns the note recorded
    /// for that size: `note`, or the one another daemon recorded first.
    public func recordLogCheckpoint(size: Int, note: String) throws(StorageError) -> String {
        try backend.recordLogCheckpoint(size: size, note: note, at: Self.now())
    }

    /// The certificate with `id`, if stored.
    public func certificate(id: String) throws(StorageError) -> CertificateRecord? { try backend.certificate(id: id) }

    /// Certificates about the text with canonical SHA-256 `digest`, oldest first.
    public func certificates(subjectSHA256 digest: String) throws(StorageError) -> [CertificateRecord] {
        try backend.certificates(subjectSHA256: digest)
    }

    /// How many certificates are stored.
    public func certificateCount() throws(StorageError) -> Int { try backend.certificateCount() }

    // MARK: - Audit log

    /// Appends an administrative action.
    public func audit(actor: String, action: String, detail: String) throws(StorageError) {
        try backend.appendAudit(at: Self.now(), actor: actor, action: action, detail: detail)
    }

    /// The most recent audit entries, newest first.
    public func auditLog(limit: Int = 100) throws(StorageError) -> [AuditEntry] { try backend.auditLog(limit: limit) }

    // MARK: - API tokens

    /// Creates a token; returns its id and the secret token, which is shown once and stored only as a hash.
    public func createToken(role: Role, expiresAt: Date? = nil, permissions: Set<Permission> = []) throws(StorageError) -> (id: String, token: String)
    {
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
        try backend.insertToken(
            id: id, digest: Self.hash(token), role: role, permissions: TokenRecord.encode(permissions),
            createdAt: Self.now(), expiresAt: expiresAt.map(Self.format))
        return (id, token)
    }

    /// The live token record for `token`, or nil when unknown, revoked or expired.
    public func authenticate(token: String, at date: Date = Date()) throws(StorageError) -> TokenRecord? {
        let digest = Self.hash(token)
        guard let (record, stored) = try backend.token(digest: digest), ConstantTime.equals(Array(stored.utf8), Array(digest.utf8)) else {
            return nil
        }
        if record.revokedAt != nil { return nil }
        if let expires = record.expiresAt, let when = ISO8601DateFormatter().date(from: expires), when <= date { return nil }
        return record
    }

    /// Revokes a token at once.
    public func revokeToken(id: String) throws(StorageError) -> Bool { try backend.revokeToken(id: id, at: Self.now()) }

    /// All tokens (public records).
    public func tokens() throws(StorageError) -> [TokenRecord] { try backend.tokens() }

    // MARK: - Shared key files

    /// Every shared key file's name and version.
    public func keyFileVersions() throws(StorageError) -> [String: Int64] { try backend.keyFileVersions() }

    /// Every shared key file, as one consistent snapshot.
    public func keyFiles() throws(StorageError) -> [KeyFileRecord] { try backend.keyFiles() }

    /// The shared key file `name`, if stored.
    public func keyFile(name: String) throws(StorageError) -> KeyFileRecord? {
        try backend.keyFiles().first { $0.name == name }
    }

    /// Stores key file `name` (compare-and-set on `expectedVersion`; nil for a new name);
    /// `storage.conflict` when another writer got there first. Returns the new version.
    @discardableResult
    public func putKeyFile(name: String, bytes: [UInt8], expectedVersion: Int64?) throws(StorageError) -> Int64 {
        try putKeyFiles([KeyFileChange(name: name, bytes: bytes, expectedVersion: expectedVersion)])[name] ?? 0
    }

    /// Stores several key files in one transaction, all or nothing (compare-and-set on each
    /// expected version): other daemons see all of a key change or none of it.
    @discardableResult
    public func putKeyFiles(_ changes: [KeyFileChange]) throws(StorageError) -> [String: Int64] {
        guard !changes.isEmpty else { return [:] }
        return try backend.putKeyFiles(changes, at: Self.now())
    }

    // MARK: - Maintenance

    /// The database's own check (SQLite: `PRAGMA integrity_check` says "ok"), and the log's
    /// invariant: leaves are numbered 0..<n, one per stored certificate.
    public func integrityCheck() throws(StorageError) -> Bool {
        guard try backend.databaseIntegrityCheck() else { return false }
        return try backend.logLeafHashes(from: 0).count == backend.certificateCount()
    }

    // MARK: - Helpers

    static func hash(_ token: String) -> String { Hex.encode(SHA256Digest.hash(Array(token.utf8))) }
    static func format(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    static func now() -> String { format(Date()) }
}
