import Foundation

/// What a registry database does; `Registry` is the public façade over one of these. Both
/// backends run the same migrations (`v1`, `v2-transparency-log`, `v3-key-files`,
/// `v4-token-permissions`, `v5-log-checkpoints`) and keep the
/// same tables, so the behaviour above this line does not depend on the database.
protocol RegistryBackend: Sendable {
    /// "SQLite at PATH" or "PostgreSQL at HOST:PORT/DB", never with a password.
    var description: String { get }

    func insert(_ record: CertificateRecord, leafHash: [UInt8]) throws(StorageError) -> Int
    /// The log's leaf hashes from leaf index `start` on, in order.
    func logLeafHashes(from start: Int) throws(StorageError) -> [[UInt8]]
    func logIndex(certificateID: String) throws(StorageError) -> Int?
    func certificate(id: String) throws(StorageError) -> CertificateRecord?
    func certificates(subjectSHA256: String) throws(StorageError) -> [CertificateRecord]
    func certificateCount() throws(StorageError) -> Int
    /// The signed note of the largest tree any daemon recorded, if any.
    func newestLogCheckpoint() throws(StorageError) -> String?
    /// Records `note` for tree size `size` unless one is recorded for that size already; returns
    /// the note recorded for that size (`note`, or the one recorded first).
    func recordLogCheckpoint(size: Int, note: String, at: String) throws(StorageError) -> String

    func appendAudit(at: String, actor: String, action: String, detail: String) throws(StorageError)
    func auditLog(limit: Int) throws(StorageError) -> [AuditEntry]

    /// `permissions`: the stored form, `TokenRecord.encode`.
    func insertToken(id: String, digest: String, role: Role, permissions: String, createdAt: String, expiresAt: String?) throws(StorageError)
    /// The token record whose stored hash is `digest`, with that stored hash.
    func token(digest: String) throws(StorageError) -> (record: TokenRecord, storedDigest: String)?
    func revokeToken(id: String, at: String) throws(StorageError) -> Bool
    func tokens() throws(StorageError) -> [TokenRecord]

    /// Every shared key file's name and version (not the bytes).
    func keyFileVersions() throws(StorageError) -> [String: Int64]
    /// Every shared key file, read in one statement (one consistent snapshot).
    func keyFiles() throws(StorageError) -> [KeyFileRecord]
    /// Stores every change in one transaction, all or nothing: a change with a nil expected
    /// version adds a new name (version 1), else it replaces the file whose stored version is
    /// still the expected one (version + 1). `storage.conflict` if any name moved on. Returns the
    /// new versions.
    func putKeyFiles(_ changes: [KeyFileChange], at: String) throws(StorageError) -> [String: Int64]

    /// The database's own consistency check.
    func databaseIntegrityCheck() throws(StorageError) -> Bool
}
