/// Why writing a secret or trust file (`AtomicFileWriter`) or taking the home-wide lock
/// (`HomeLock`) failed, with a stable code. Stores turn it into their own error type, keeping the
/// reason.
public struct FileError: CodedError {
    /// Stable machine-readable codes; equality of errors is equality of codes.
    public enum Code: String, CaseIterable, Sendable {
        /// The file could not be written: creating, writing, syncing or renaming its temporary copy
        /// failed (the old file, if any, is unchanged), or the directory could not be synced after
        /// the rename (the new file is in place but may not survive a crash).
        case writeFailed = "file.write_failed"
        /// The file exists, and the write was one that never replaces (`AtomicFileWriter.Existing.refuse`).
        case exists = "file.exists"
        /// The home-wide lock file could not be opened or locked.
        case lockFailed = "file.lock_failed"
        /// This thread holds the home-wide lock already: taking it again would wait for itself
        /// forever. Pass the `HomeLock.Held` it has to the store instead.
        case lockAlreadyHeld = "file.lock_already_held"
        /// A `HomeLock.Held` was passed that does not hold this home's lock (another home's, or
        /// one used after its `withLock` returned, or on another thread).
        case lockNotHeld = "file.lock_not_held"
    }

    /// The codes stores pass on unchanged under their own error type (`CodedError.init(relaying:else:_:)`);
    /// `writeFailed` is not one: each store reports a failed write under its own code.
    public static let relayedCodes: [Code] = [.exists, .lockFailed, .lockAlreadyHeld, .lockNotHeld]

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) { (self.code, self.reason) = (code, reason) }
}
