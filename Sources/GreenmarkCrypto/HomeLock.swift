import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The home-wide inter-process lock: an exclusive `flock(2)` on `HOME/.greenmark.lock`, held across
/// every read-modify-write of the home's key and trust state (keyring, signing keys, trusted roots,
/// log key) and across `KeySync` pulls, by the CLI and the daemon alike.
///
/// Each acquisition opens the lock file anew, so the lock excludes other processes and also other
/// threads of the same process (flock locks belong to an open file description). It is released
/// when `withLock` returns or throws, and by the kernel if the process dies.
///
/// Not reentrant: a thread that holds the lock and asks for it again would wait for itself, so
/// that is refused with `FileError.Code.lockAlreadyHeld` instead. A caller that holds the lock
/// passes the `Held` it got to the stores (their `holding:` parameter), which then do not lock.
public struct HomeLock: Sendable {
    /// File name of the lock inside the home.
    public static let fileName = ".greenmark.lock"

    /// The home directory.
    public let directory: String
    /// The lock file.
    public var path: String { directory + "/" + Self.fileName }

    public init(directory: String) {
        self.directory = directory
    }

    /// Proof that this thread holds a home's lock, handed to the body of `withLock`. Valid only
    /// inside that body, on its thread; stores check it (`check(_:)`) before trusting it.
    public struct Held: Sendable {
        /// The home whose lock is held.
        public let directory: String
        fileprivate let file: FileIdentity
        fileprivate let thread: UInt
    }

    /// Runs `body` holding the lock; the lock is released however `body` ends. A failure to take
    /// the lock is thrown as `lockFailure(error)`, so callers keep their own error type. The home
    /// directory must exist.
    public func withLock<T, E: Error>(orElse lockFailure: (FileError) -> E, _ body: (Held) throws(E) -> T) throws(E) -> T {
        let held: Held
        let fd: Int32
        do { (held, fd) = try acquire() } catch { throw lockFailure(error) }
        defer { release(held, fd) }
        return try body(held)
    }

    /// Runs `body` holding the lock; a failure to take it throws `FileError`.
    public func withLock<T>(_ body: (Held) throws -> T) throws -> T {
        try withLock(orElse: { $0 as any Error }, body)
    }

    /// Runs `body` under the lock for a store of this home: with `held` when the caller holds it
    /// already (checked, not taken again), else taken here, after checking that the home exists
    /// (`missingHome` otherwise). Failures of the lock are thrown as `lockFailure(error)`.
    public func withLock<T, E: Error>(
        reusing held: Held?, orElse lockFailure: (FileError) -> E, missingHome: @autoclosure () -> E, _ body: () throws(E) -> T
    ) throws(E) -> T {
        if let held {
            do { try check(held) } catch { throw lockFailure(error) }
            return try body()
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else { throw missingHome() }
        return try withLock(orElse: lockFailure) { _ throws(E) -> T in try body() }
    }

    /// Checks that `held` is this home's lock, held by the calling thread right now.
    public func check(_ held: Held) throws(FileError) {
        var st = stat()
        guard stat(path, &st) == 0, FileIdentity(st) == held.file else {
            throw FileError(.lockNotHeld, "the lock passed for \(held.directory) is not the lock of \(directory)")
        }
        guard held.thread == Self.currentThread, Self.holders.withLock({ $0[held.file]?.contains(held.thread) ?? false }) else {
            throw FileError(.lockNotHeld, "the lock of \(directory) is not held by this thread")
        }
    }

    // MARK: - Internals

    /// Which threads hold which lock files now, to refuse a second acquisition on the same thread.
    private static let holders = Mutex<[FileIdentity: Set<UInt>]>([:])

    #if canImport(Glibc)
        private static var currentThread: UInt { UInt(pthread_self()) }
    #else
        private static var currentThread: UInt { UInt(bitPattern: pthread_self()) }
    #endif

    private func acquire() throws(FileError) -> (Held, Int32) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw FileError(.lockFailed, "cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw FileError(.lockFailed, "cannot stat the lock file \(path): \(reason)")
        }
        let file = FileIdentity(st)
        let thread = Self.currentThread
        if Self.holders.withLock({ $0[file]?.contains(thread) ?? false }) {
            close(fd)
            throw FileError(.lockAlreadyHeld, "this thread holds the lock of \(directory) already (taking it again would deadlock)")
        }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw FileError(.lockFailed, "cannot lock \(path): \(reason)")
            }
        }
        Self.holders.withLock { _ = $0[file, default: []].insert(thread) }
        return (Held(directory: directory, file: file, thread: thread), fd)
    }

    private func release(_ held: Held, _ fd: Int32) {
        Self.holders.withLock { holders in
            holders[held.file]?.remove(held.thread)
            if holders[held.file]?.isEmpty == true { holders[held.file] = nil }
        }
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// A file's identity (device and inode): one lock file, however its path is spelled.
    fileprivate struct FileIdentity: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64

        init(_ st: stat) {
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
        }
    }
}
