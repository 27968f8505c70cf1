import GreenmarkCrypto

/// An error from the registry database, with a stable code.
public struct StorageError: CodedError {
    /// Stable machine-readable codes; equality of errors is equality of codes.
    public enum Code: String, CaseIterable, Sendable {
        /// The database could not be opened or migrated.
        case openFailed = "storage.open_failed"
        /// A write failed (disk full, read-only database, constraint).
        case writeFailed = "storage.write_failed"
        /// A read failed.
        case readFailed = "storage.read_failed"
        /// A record with the same id exists.
        case duplicate = "storage.duplicate"
        /// Another writer changed the record first (a shared key file's version moved on).
        case conflict = "storage.conflict"
        /// The database location is not a usable path or PostgreSQL URL.
        case invalidLocation = "storage.invalid_location"
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) { (self.code, self.reason) = (code, reason) }
}
