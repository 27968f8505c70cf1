import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes every secret and public trust file of a Greenmark home (keyring, signing keys, log key,
/// master-key file, `trust/*.json`, and the copies `KeySync` pulls or keeps) so that a crash or a
/// concurrent writer leaves either the old file or the new one, never a mixture.
///
/// One write: a temporary file in the target's directory, named `.NAME.tmp-PID-RANDOM` and created
/// with `O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW` (mode 0600 while it is filled, so secret bytes
/// are never readable by others, whatever the umask), the whole buffer written (short writes and
/// `EINTR` retried), the final mode set with `fchmod`, `fsync`, then `rename(2)` over the target
/// (or `link(2)`, which never replaces, for `Existing.refuse`) and an `fsync` of the directory so
/// the rename itself survives a crash. On every failure before the rename the temporary file is
/// removed and the old file is untouched.
///
/// The writer does not lock: callers that read, change and write key state hold `HomeLock`.
public enum AtomicFileWriter {
    /// Who may read the file.
    public enum Access: Sendable {
        /// Mode 0600: keys, seeds, sealed envelopes, conflict copies of them.
        case secret
        /// Mode 0644: the public trust files (`trust/*.json`).
        case `public`

        /// The file mode it stands for.
        public var mode: mode_t {
            switch self {
            case .secret: 0o600
            case .public: 0o644
            }
        }
    }

    /// What to do when the target exists.
    public enum Existing: Sendable {
        /// Replace it atomically (`rename(2)`).
        case replace
        /// Leave it and throw `FileError.Code.exists` (`link(2)`): creating a key file that must
        /// never be overwritten (a master key, a first log key, a conflict copy).
        case refuse
    }

    /// Writes `bytes` to `path`; see the type's documentation.
    public static func write(_ bytes: some ContiguousBytes, to path: String, access: Access, existing: Existing = .replace) throws(FileError) {
        let result: Result<Void, FileError> = bytes.withUnsafeBytes { buffer in
            do throws(FileError) { return .success(try write(buffer: buffer, to: path, access: access, existing: existing)) } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// The directory holding `path` ("." for a bare name).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Creates `directory` (and missing parents) with mode 0700 if it does not exist; throws when
    /// it cannot, or when the path exists and is not a directory.
    public static func ensureDirectory(_ directory: String) throws(FileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw FileError(.writeFailed, "\(directory) is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw FileError(.writeFailed, "cannot create \(directory): \(error.localizedDescription)")
        }
    }

    private static func write(buffer: UnsafeRawBufferPointer, to path: String, access: Access, existing: Existing) throws(FileError) {
        let directory = directory(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let suffix: String
        do { suffix = Hex.encode(try SecureRandom.bytes(count: 8)) } catch {
            throw FileError(.writeFailed, "cannot name a temporary file for \(path): \(error.reason)")
        }
        let temporary = directory + "/." + name + ".tmp-\(getpid())-" + suffix
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw FileError(.writeFailed, "cannot create \(temporary): \(lastError())") }
        var failure: String?
        var offset = 0
        while failure == nil, offset < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = "cannot write \(temporary): \(lastError())"
            } else if n == 0 {
                failure = "cannot write \(temporary): no progress"
            } else {
                offset += n
            }
        }
        if failure == nil, fchmod(fd, access.mode) != 0 { failure = "cannot set the mode of \(temporary): \(lastError())" }
        if failure == nil, !retryingInterrupts({ fsync(fd) }) { failure = "cannot sync \(temporary): \(lastError())" }
        // close(2) reports delayed write errors (NFS); on Linux the descriptor is released even on EINTR.
        if close(fd) != 0, errno != EINTR, failure == nil { failure = "cannot close \(temporary): \(lastError())" }
        if let failure {
            unlink(temporary)
            throw FileError(.writeFailed, failure)
        }
        switch existing {
        case .replace:
            guard rename(temporary, path) == 0 else {
                let reason = lastError()
                unlink(temporary)
                throw FileError(.writeFailed, "cannot replace \(path): \(reason)")
            }
        case .refuse:
            guard link(temporary, path) == 0 else {
                let code = errno
                let reason = lastError()
                unlink(temporary)
                if code == EEXIST { throw FileError(.exists, "\(path) exists; refusing to overwrite it") }
                throw FileError(.writeFailed, "cannot create \(path): \(reason)")
            }
            unlink(temporary)
        }
        try syncDirectory(directory)
    }

    /// Makes a rename or link in `directory` durable.
    private static func syncDirectory(_ directory: String) throws(FileError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(.writeFailed, "cannot open \(directory) to sync it: \(lastError())") }
        defer { close(fd) }
        guard retryingInterrupts({ fsync(fd) }) else {
            throw FileError(.writeFailed, "cannot sync \(directory) (the new file is in place but may not survive a crash): \(lastError())")
        }
    }

    private static func retryingInterrupts(_ call: () -> Int32) -> Bool {
        while true {
            if call() == 0 { return true }
            if errno != EINTR { return false }
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
