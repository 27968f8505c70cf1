import Foundation
import GreenmarkCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes the keyring file `keyring.json` in a Greenmark home directory.
///
/// Writes go to a mode-0600 temporary file in the same directory, are fsynced, then renamed over
/// the old file (and the directory fsynced), so a crash leaves either the old or the new keyring,
/// never a half-written one. Changes run under an exclusive `flock` so two processes cannot lose
/// each other's updates. The file must not be readable by group or others.
///
/// With a master key (`MasterKeySource`), every write is sealed (`greenmark-sealed-v1`, purpose
/// `keyring`, `docs/secrets-at-rest.md`); a sealed file is opened with it, and a plaintext file
/// still loads (it is sealed on the next write, or by `seal()`). Without one, files are written
/// in plaintext as before and a sealed file cannot be read (`secrets.master_key_required`).
public struct KeyringStore: Sendable {
    /// File name of the keyring inside the home directory.
    public static let fileName = "keyring.json"

    public let directory: String
    /// The master key that seals the file, if any.
    public let masterKey: MasterKeySource
    public var path: String { directory + "/" + Self.fileName }

    public init(directory: String, masterKey: MasterKeySource = .none) {
        self.directory = directory
        self.masterKey = masterKey
    }

    /// Whether the keyring file is sealed under a master key (false when missing or plaintext).
    public var isSealed: Bool {
        FileManager.default.contents(atPath: path).map { SealedFile.isSealed($0) } ?? false
    }

    /// Rewrites the keyring sealed under the configured master key (atomically, mode 0600, under
    /// the lock): a plaintext file, or one sealed under `previous` (master-key rotation); returns
    /// false when it is sealed under the configured key already.
    @discardableResult
    public func seal(previous: MasterKeySource = .none) throws(GreenmarkError) -> Bool {
        guard let key = try configuredMasterKey() else {
            throw GreenmarkError(.init(rawValue: CryptoError.Code.masterKeyRequired.rawValue),
                                 "sealing needs a master key; set \(MasterKey.fileEnvironmentVariable) or \(MasterKey.environmentVariable)")
        }
        return try withLock { () throws(GreenmarkError) -> Bool in
            let sealedUnder = SealedFile.masterKeyID(ofFileAt: path)
            if sealedUnder == key.id { return false }
            let keyring = try (sealedUnder == nil ? self : KeyringStore(directory: directory, masterKey: previous)).load()
            try write(keyring)
            return true
        }
    }

    /// Whether a keyring file exists.
    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Creates a new keyring with one primary key; refuses to overwrite an existing one.
    @discardableResult
    public func initialize(scheme: WatermarkScheme = .default, vocabulary: String? = nil) throws(GreenmarkError) -> Keyring {
        try ensureDirectory()
        return try withLock { () throws(GreenmarkError) -> Keyring in
            guard !exists else {
                throw GreenmarkError(.keyringExists, "a keyring already exists at \(path); refusing to overwrite it")
            }
            let keyring = try Keyring.create(scheme: scheme, vocabulary: vocabulary)
            try write(keyring)
            return keyring
        }
    }

    /// Loads the keyring.
    public func load() throws(GreenmarkError) -> Keyring {
        guard exists else {
            throw GreenmarkError(.keyringMissing, "no keyring at \(path); run `greenmark keys init` (or pass --home / set GREENMARK_HOME)")
        }
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw GreenmarkError(.keyringCorrupt, "cannot stat \(path)")
        }
        if st.st_mode & 0o077 != 0 {
            throw GreenmarkError(.keyringPermissions, "\(path) is readable by other users (mode \(String(st.st_mode & 0o777, radix: 8))); run chmod 600 on it")
        }
        // An empty file is corrupt; checked here also because Foundation on Linux leaks its 4 KiB
        // read buffer when `contents(atPath:)` reads an empty file (found by the keyring fuzzer).
        guard st.st_size > 0 else {
            throw GreenmarkError(.keyringCorrupt, "\(path) is empty")
        }
        guard var data = FileManager.default.contents(atPath: path) else {
            throw GreenmarkError(.keyringCorrupt, "cannot read \(path)")
        }
        defer { data.resetBytes(in: 0..<data.count) }
        let key = try configuredMasterKey()
        if SealedFile.isSealed(data) {
            do {
                let plaintext = try SealedFile.open(data, purpose: .keyring, masterKey: key)
                data.resetBytes(in: 0..<data.count)
                data = plaintext.withUnsafeBytes { Data($0) }
            } catch {
                throw GreenmarkError(.init(rawValue: error.code.rawValue), "\(path): \(error.reason)")
            }
        }
        let file: KeyringFile
        do {
            file = try JSONDecoder.keyring.decode(KeyringFile.self, from: data)
        } catch {
            throw GreenmarkError(.keyringCorrupt, "\(path) is not a valid keyring file")
        }
        guard file.format == KeyringFile.formatName, file.version == Keyring.formatVersion else {
            throw GreenmarkError(.keyringCorrupt, "\(path) has unsupported format \(file.format) v\(file.version)")
        }
        var keys: [WatermarkKey] = []
        for record in file.keys {
            var secret: [UInt8] = []
            if let hex = record.secretHex {
                do { secret = try Hex.decode(hex) } catch {
                    throw GreenmarkError(.keyringCorrupt, "key \(record.id) has a malformed secret")
                }
            }
            keys.append(WatermarkKey(id: record.id, scheme: record.scheme, state: record.state, createdAt: record.createdAt,
                                     vocabulary: record.vocabulary, secret: secret, disclosedAt: record.disclosedAt))
        }
        return try Keyring(keys: keys)
    }

    /// Loads, transforms and saves the keyring under the lock; returns what `change` returned.
    public func modify<T>(_ change: (Keyring) throws(GreenmarkError) -> (Keyring, T)) throws(GreenmarkError) -> T {
        try withLock { () throws(GreenmarkError) -> T in
            let (next, result) = try change(try load())
            try write(next)
            return result
        }
    }

    // MARK: - Internals

    private func ensureDirectory() throws(GreenmarkError) {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) {
            guard isDir.boolValue else { throw GreenmarkError(.keyringWriteFailed, "\(directory) is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw GreenmarkError(.keyringWriteFailed, "cannot create \(directory): \(error.localizedDescription)")
        }
    }

    private func withLock<T>(_ body: () throws(GreenmarkError) -> T) throws(GreenmarkError) -> T {
        let lockPath = directory + "/.keyring.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw GreenmarkError(.keyringWriteFailed, "cannot open lock file \(lockPath): \(errnoString())") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw GreenmarkError(.keyringWriteFailed, "cannot lock \(lockPath): \(errnoString())") }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    private func write(_ keyring: Keyring) throws(GreenmarkError) {
        let file = KeyringFile(
            format: KeyringFile.formatName,
            version: Keyring.formatVersion,
            keys: keyring.keys.map {
                KeyringFile.Record(id: $0.id, state: $0.state, scheme: $0.scheme, createdAt: $0.createdAt,
                                   vocabulary: $0.vocabulary, secretHex: $0.secret.isEmpty ? nil : Hex.encode($0.secret),
                                   disclosedAt: $0.disclosedAt)
            }
        )
        var data: Data
        do {
            data = try JSONEncoder.keyring.encode(file)
        } catch {
            throw GreenmarkError(.keyringWriteFailed, "cannot encode keyring")
        }
        defer { data.resetBytes(in: 0..<data.count) }
        data.append(0x0a)
        if let key = try configuredMasterKey() {
            do {
                let sealed = try SealedFile.seal(data, purpose: .keyring, masterKey: key)
                data.resetBytes(in: 0..<data.count)
                data = Data(sealed)
            } catch {
                throw GreenmarkError(.init(rawValue: error.code.rawValue), "cannot seal \(path): \(error.reason)")
            }
        }
        let suffix = Hex.encode((try? SecureRandom.bytes(count: 6)) ?? [])
        let tmp = "\(path).tmp-\(getpid())-\(suffix)"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw GreenmarkError(.keyringWriteFailed, "cannot create \(tmp): \(errnoString())") }
        var ok = data.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        let writeErrno = errnoString()
        close(fd)
        guard ok else {
            unlink(tmp)
            throw GreenmarkError(.keyringWriteFailed, "cannot write \(tmp): \(writeErrno)")
        }
        guard rename(tmp, path) == 0 else {
            let e = errnoString()
            unlink(tmp)
            throw GreenmarkError(.keyringWriteFailed, "cannot replace \(path): \(e)")
        }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }

    /// The master key, nil when none is configured; an unusable configuration throws its error.
    private func configuredMasterKey() throws(GreenmarkError) -> MasterKey? {
        do { return try masterKey.masterKey() } catch {
            throw GreenmarkError(.init(rawValue: error.code.rawValue), error.reason)
        }
    }

    private func errnoString() -> String { String(cString: strerror(errno)) }
}

/// The on-disk shape of `keyring.json`.
struct KeyringFile: Codable {
    static let formatName = "greenmark-keyring"

    struct Record: Codable {
        let id: String
        let state: KeyState
        let scheme: WatermarkScheme
        let createdAt: Date
        let vocabulary: String?
        let secretHex: String?
        /// Absent for keys never disclosed (and in keyrings written before disclosure existed).
        let disclosedAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, state, scheme, vocabulary
            case createdAt = "created_at"
            case secretHex = "secret_hex"
            case disclosedAt = "disclosed_at"
        }
    }

    let format: String
    let version: Int
    let keys: [Record]
}

extension JSONEncoder {
    static var keyring: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }
}

extension JSONDecoder {
    static var keyring: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}
