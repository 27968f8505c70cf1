import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The key-encryption key that seals a home's secret files (`docs/secrets-at-rest.md`): 32 random
/// bytes, supplied by `GREENMARK_MASTER_KEY_FILE` (a mode-0600 file holding the key in base64url)
/// or `GREENMARK_MASTER_KEY` (the key in base64url), never on the command line.
///
/// The bytes live in `SecretBytes` (wiped when the last copy of the key goes away); `description`
/// and reflection show only the key id.
public struct MasterKey: Sendable, CustomStringConvertible, CustomReflectable {
    /// Key length in bytes.
    public static let byteCount = 32
    /// Environment variable naming a file that holds the key (base64url, one line, mode 0600).
    public static let fileEnvironmentVariable = "GREENMARK_MASTER_KEY_FILE"
    /// Environment variable holding the key itself in base64url.
    public static let environmentVariable = "GREENMARK_MASTER_KEY"
    /// Domain-separation label of key ids.
    public static let idLabel: [UInt8] = Array("greenmark/master-key-id/v1".utf8) + [0]

    let bytes: SecretBytes
    /// `mk-` and 16 hex digits of SHA-256("greenmark/master-key-id/v1" || 0x00 || key): names the
    /// key in sealed files without revealing it.
    public let id: String

    /// A master key from its 32 bytes (copied; the caller wipes its own copy).
    public init(bytes raw: [UInt8]) throws(CryptoError) {
        guard raw.count == Self.byteCount else {
            throw CryptoError(.masterKeyInvalid, "a master key is \(Self.byteCount) bytes (got \(raw.count))")
        }
        bytes = SecretBytes(raw)
        var input = Self.idLabel + raw
        defer { ConstantTime.wipe(&input) }
        id = "mk-" + Hex.encode(SHA256Digest.hash(input).prefix(8))
    }

    /// A new key from OpenSSL's CSPRNG.
    public static func generate() throws(CryptoError) -> MasterKey {
        var raw = try SecureRandom.bytes(count: byteCount)
        defer { ConstantTime.wipe(&raw) }
        return try MasterKey(bytes: raw)
    }

    /// Parses the base64url text form (surrounding whitespace ignored).
    public static func decode(_ text: String) throws(CryptoError) -> MasterKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var raw: [UInt8]
        do {
            raw = try Base64URL.decode(trimmed)
        } catch {
            throw CryptoError(.masterKeyInvalid, "the master key is not base64url (RFC 4648 section 5, no padding)")
        }
        defer { ConstantTime.wipe(&raw) }
        return try MasterKey(bytes: raw)
    }

    /// The base64url text form, as the key file and `GREENMARK_MASTER_KEY` hold it.
    public func encoded() -> String {
        bytes.withUnsafeBytes { Base64URL.encode($0) }
    }

    /// The key the environment configures: `GREENMARK_MASTER_KEY_FILE`, else `GREENMARK_MASTER_KEY`,
    /// else nil (no master key: secret files are written in plaintext, as before). Setting both is
    /// an error, as is a key file that group or others can read.
    public static func fromEnvironment(_ environment: [String: String]) throws(CryptoError) -> MasterKey? {
        let file = environment[fileEnvironmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        let inline = environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        switch (file, inline) {
        case (nil, nil): return nil
        case (.some, .some):
            throw CryptoError(.masterKeyInvalid, "both \(fileEnvironmentVariable) and \(environmentVariable) are set; set one")
        case (.some(let path), nil): return try load(file: path)
        case (nil, .some(let text)):
            do { return try decode(text) } catch {
                throw CryptoError(error.code, "\(environmentVariable): \(error.reason)")
            }
        }
    }

    /// Reads a key file; refuses one that is not a regular file or that group or others can access.
    public static func load(file path: String) throws(CryptoError) -> MasterKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CryptoError(.masterKeyInvalid, "\(fileEnvironmentVariable): cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw CryptoError(.masterKeyInvalid, "\(fileEnvironmentVariable): \(path) is not a regular file")
        }
        guard st.st_mode & 0o077 == 0 else {
            throw CryptoError(
                .masterKeyPermissions,
                "\(fileEnvironmentVariable): \(path) is accessible by other users (mode \(String(st.st_mode & 0o777, radix: 8))); run chmod 600 on it"
            )
        }
        var buffer = [UInt8](repeating: 0, count: 256)
        defer { ConstantTime.wipe(&buffer) }
        var total = 0
        while total < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CryptoError(.masterKeyInvalid, "\(fileEnvironmentVariable): cannot read \(path)")
            }
            if n == 0 { break }
            total += n
        }
        guard total < buffer.count else {
            throw CryptoError(.masterKeyInvalid, "\(fileEnvironmentVariable): \(path) is too long for a master key file")
        }
        // Strict: base64url characters, then optional whitespace.
        var end = total
        while end > 0, [0x0a, 0x0d, 0x20, 0x09].contains(buffer[end - 1]) { end -= 1 }
        var raw: [UInt8]
        do {
            raw = try Base64URL.decode(String(decoding: buffer[0..<end], as: UTF8.self))
        } catch {
            throw CryptoError(.masterKeyInvalid, "\(fileEnvironmentVariable): \(path) does not hold a base64url master key")
        }
        defer { ConstantTime.wipe(&raw) }
        do { return try MasterKey(bytes: raw) } catch {
            throw CryptoError(error.code, "\(fileEnvironmentVariable): \(path): \(error.reason)")
        }
    }

    /// Creates a key file holding a new key (mode 0600, through `AtomicFileWriter`, which never
    /// overwrites here: an existing file is an error).
    public static func createFile(at path: String) throws(CryptoError) -> MasterKey {
        let key = try generate()
        var text = Array((key.encoded() + "\n").utf8)
        defer { ConstantTime.wipe(&text) }
        do {
            try AtomicFileWriter.write(text, to: path, access: .secret, existing: .refuse)
        } catch  where error.code == .exists {
            throw CryptoError(.masterKeyInvalid, "\(path) exists; refusing to overwrite a master key")
        } catch {
            throw CryptoError(.masterKeyInvalid, error.reason)
        }
        return key
    }

    public var description: String { "MasterKey(\(id))" }

    /// Reflection (`dump`, debuggers) shows the id only.
    public var customMirror: Mirror { Mirror(self, children: ["id": id, "bytes": "<redacted>"]) }
}

/// Where a process's master key comes from, resolved once at startup. An unusable configuration
/// (a malformed key, a group-readable file) is kept as its error and thrown when a secret file is
/// read or written, so commands that touch no secret still run.
public struct MasterKeySource: Sendable {
    private let result: Result<MasterKey?, CryptoError>

    private init(_ result: Result<MasterKey?, CryptoError>) { self.result = result }

    /// No master key: secret files are written in plaintext; sealed ones cannot be read.
    public static let none = MasterKeySource(.success(nil))

    /// A given key.
    public static func key(_ key: MasterKey) -> MasterKeySource { MasterKeySource(.success(key)) }

    /// The key `GREENMARK_MASTER_KEY_FILE` or `GREENMARK_MASTER_KEY` configures, if any.
    public static func environment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> MasterKeySource {
        do { return MasterKeySource(.success(try MasterKey.fromEnvironment(environment))) } catch {
            return MasterKeySource(.failure(error))
        }
    }

    /// The configured key, nil when none is; throws when the configuration is unusable.
    public func masterKey() throws(CryptoError) -> MasterKey? {
        try result.get()
    }

    /// Whether a master key is configured (usable or not).
    public var isConfigured: Bool {
        if case .success(nil) = result { return false }
        return true
    }
}
