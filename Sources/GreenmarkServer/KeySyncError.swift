import GreenmarkCrypto

/// Why sharing key files through the registry failed, with a stable code.
public struct KeySyncError: CodedError {
    /// Stable machine-readable codes; equality of errors is equality of codes.
    public enum Code: String, CaseIterable, Sendable {
        /// The registry could not be read or written.
        case storage = "keys.sync_storage"
        /// Another daemon changed the same key file at the same time.
        case conflict = "keys.sync_conflict"
        /// A secret key file is in plaintext; only sealed files are shared.
        case notSealed = "keys.not_sealed"
        /// The shared registry holds a file name outside the shareable set.
        case invalidName = "keys.sync_invalid_name"
        /// A file of the home could not be written.
        case writeFailed = "keys.sync_write_failed"
        /// The database held an older version of a local key file (a lower generation, e.g. a
        /// replayed copy): it was refused and the local file published over it (logged, not thrown).
        case stale = "keys.sync_stale"
        /// A log key other than the shared one: never published over it (the shared one is taken back, the local one kept
        /// as a conflict copy), and no log key is made while the registry holds one this daemon cannot take.
        case logKeyConflict = "keys.log_key_conflict"

        /// Relayed unchanged from the home lock: `FileError.relayedCodes` (the meanings are theirs).
        case fileExists = "file.exists"
        case lockFailed = "file.lock_failed"
        case lockAlreadyHeld = "file.lock_already_held"
        case lockNotHeld = "file.lock_not_held"
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) { (self.code, self.reason) = (code, reason) }
}
