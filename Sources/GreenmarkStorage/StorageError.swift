import GreenmarkCrypto

/// An error from the registry database, with a stable code.
public struct StorageError: CodedError {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The database could not be opened or migrated.
        public static let openFailed = Code(rawValue: "storage.open_failed")
        /// A write failed (disk full, read-only database, constraint).
        public static let writeFailed = Code(rawValue: "storage.write_failed")
        /// A read failed.
        public static let readFailed = Code(rawValue: "storage.read_failed")
        /// A record with the same id exists.
        public static let duplicate = Code(rawValue: "storage.duplicate")
        /// Another writer changed the record first (a shared key file's version moved on).
        public static let conflict = Code(rawValue: "storage.conflict")
        /// The database location is not a usable path or PostgreSQL URL.
        public static let invalidLocation = Code(rawValue: "storage.invalid_location")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
