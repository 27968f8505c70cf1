import GreenmarkCrypto

/// Why sharing key files through the registry failed, with a stable code.
public struct KeySyncError: CodedError {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The registry could not be read or written.
        public static let storage = Code(rawValue: "keys.sync_storage")
        /// Another daemon changed the same key file at the same time.
        public static let conflict = Code(rawValue: "keys.sync_conflict")
        /// A secret key file is in plaintext; only sealed files are shared.
        public static let notSealed = Code(rawValue: "keys.not_sealed")
        /// The shared registry holds a file name outside the shareable set.
        public static let invalidName = Code(rawValue: "keys.sync_invalid_name")
        /// A file of the home could not be written.
        public static let writeFailed = Code(rawValue: "keys.sync_write_failed")
        /// The database held an older version of a local key file (a lower generation, e.g. a
        /// replayed copy): it was refused and the local file published over it (logged, not thrown).
        public static let stale = Code(rawValue: "keys.sync_stale")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
