/// Why writing a secret or trust file (`AtomicFileWriter`) or taking the home-wide lock
/// (`HomeLock`) failed, with a stable code. Stores turn it into their own error type, keeping the
/// reason.
public struct FileError: CodedError {
    /// Stable machine-readable codes; equality of errors is equality of codes.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The file could not be written: creating, writing, syncing or renaming its temporary copy
        /// failed (the old file, if any, is unchanged), or the directory could not be synced after
        /// the rename (the new file is in place but may not survive a crash).
        public static let writeFailed = Code(rawValue: "file.write_failed")
        /// The file exists, and the write was one that never replaces (`AtomicFileWriter.Existing.refuse`).
        public static let exists = Code(rawValue: "file.exists")
        /// The home-wide lock file could not be opened or locked.
        public static let lockFailed = Code(rawValue: "file.lock_failed")
        /// This thread holds the home-wide lock already: taking it again would wait for itself
        /// forever. Pass the `HomeLock.Held` it has to the store instead.
        public static let lockAlreadyHeld = Code(rawValue: "file.lock_already_held")
        /// A `HomeLock.Held` was passed that does not hold this home's lock (another home's, or
        /// one used after its `withLock` returned, or on another thread).
        public static let lockNotHeld = Code(rawValue: "file.lock_not_held")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
