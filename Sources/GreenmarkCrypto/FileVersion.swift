#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One version of a file as `stat(2)` sees it: device, inode, size, mode, and modification and
/// change times.
///
/// Caches of key files compare it per use instead of re-reading and decoding the file: the CLI
/// and `KeySync` replace key files by rename (a new inode), an edit in place moves the
/// modification time, and `chmod` moves the change time, so every change that matters (new keys,
/// a file others may now read) gives a different value on the next use.
public struct FileVersion: Sendable, Equatable {
    public let device: UInt64
    public let inode: UInt64
    public let size: Int64
    public let mode: UInt32
    let modified: (seconds: Int, nanoseconds: Int)
    let changed: (seconds: Int, nanoseconds: Int)

    /// The version of the file at `path` now; nil when it cannot be stat'ed (missing).
    public static func of(path: String) -> FileVersion? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileVersion(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size), mode: UInt32(st.st_mode),
            modified: (st.st_mtim.tv_sec, st.st_mtim.tv_nsec), changed: (st.st_ctim.tv_sec, st.st_ctim.tv_nsec))
    }

    public static func == (a: FileVersion, b: FileVersion) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size && a.mode == b.mode
            && a.modified == b.modified && a.changed == b.changed
    }
}
