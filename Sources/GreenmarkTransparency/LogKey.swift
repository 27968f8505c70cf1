import Foundation
import GreenmarkCrypto

/// The transparency log's checkpoint-signing key: an Ed25519 seed in `HOME/log-key.json`
/// (mode 0600, written atomically, created on first use), and the log's public identity.
///
/// With a master key the file is written sealed (`greenmark-sealed-v1`, purpose `log-key`,
/// `docs/secrets-at-rest.md`); a plaintext file still loads.
public struct LogKey: Sendable {
    public static let fileName = "log-key.json"

    public let key: Ed25519PrivateKey
    /// The log's origin line: `greenmark/log/` + 16 hex digits of SHA-256(public key).
    public let origin: String

    /// Loads the key from `directory`, creating it if there is none. Refuses a key file that
    /// others can read.
    public static func loadOrCreate(directory: String, masterKey source: MasterKeySource = .none) throws(TransparencyError) -> LogKey {
        let path = directory + "/" + fileName
        let fm = FileManager.default
        let masterKey = try configured(source)
        if fm.fileExists(atPath: path) { return try load(path: path, masterKey: masterKey) }
        var created: (key: Ed25519PrivateKey, seed: [UInt8])
        do {
            created = try Ed25519PrivateKey.generate()
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw TransparencyError(.logKeyUnusable, "cannot create the log key: \(error)")
        }
        defer { ConstantTime.wipe(&created.seed) }
        var data = try encode(seed: created.seed, path: path, masterKey: masterKey)
        defer { data.resetBytes(in: 0..<data.count) }
        // Written to a private temporary file, then published with link(2), which fails if the
        // file exists: of two concurrent first uses (two requests, or two daemons on one home)
        // exactly one key wins, and the other caller loads it instead of replacing it.
        let temporary = path + ".tmp-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: temporary) }
        guard fm.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw TransparencyError(.logKeyUnusable, "cannot write \(path)")
        }
        if link(temporary, path) != 0 {
            guard errno == EEXIST else { throw TransparencyError(.logKeyUnusable, "cannot write \(path)") }
            return try load(path: path, masterKey: masterKey)
        }
        return LogKey(key: created.key)
    }

    /// Whether the key file in `directory` is sealed under a master key.
    public static func isSealed(directory: String) -> Bool {
        FileManager.default.contents(atPath: directory + "/" + fileName).map { SealedFile.isSealed($0) } ?? false
    }

    /// Rewrites the key file in `directory` sealed under the configured master key (temporary
    /// mode-0600 file renamed over it): a plaintext file, or one sealed under `previous`
    /// (master-key rotation); false when there is none or it is sealed under the configured key.
    @discardableResult
    public static func seal(directory: String, masterKey source: MasterKeySource, previous: MasterKeySource = .none) throws(TransparencyError) -> Bool {
        let path = directory + "/" + fileName
        guard let masterKey = try configured(source) else {
            throw TransparencyError(.init(rawValue: CryptoError.Code.masterKeyRequired.rawValue),
                                    "sealing needs a master key; set \(MasterKey.fileEnvironmentVariable) or \(MasterKey.environmentVariable)")
        }
        guard let existing = FileManager.default.contents(atPath: path) else { return false }
        let sealedUnder = SealedFile.masterKeyID(of: existing)
        if sealedUnder == masterKey.id { return false }
        var seed = try readSeed(path: path, masterKey: sealedUnder == nil ? masterKey : try configured(previous))
        defer { ConstantTime.wipe(&seed) }
        var data = try encode(seed: seed, path: path, masterKey: masterKey)
        defer { data.resetBytes(in: 0..<data.count) }
        let temporary = path + ".tmp-\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TransparencyError(.logKeyUnusable, "cannot write \(path)") }
        var ok = fchmod(fd, 0o600) == 0
        ok = ok && data.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw TransparencyError(.logKeyUnusable, "cannot replace \(path)")
        }
        return true
    }

    /// The file's bytes for `seed`: JSON, sealed when there is a master key.
    private static func encode(seed: [UInt8], path: String, masterKey: MasterKey?) throws(TransparencyError) -> Data {
        var json = Array(#"{"seed":""#.utf8) + Array(Base64URL.encode(seed).utf8) + Array(#"","version":1}"#.utf8)
        defer { ConstantTime.wipe(&json) }
        guard let masterKey else { return Data(json) }
        do {
            return Data(try SealedFile.seal(json, purpose: .logKey, masterKey: masterKey))
        } catch {
            throw TransparencyError(.init(rawValue: error.code.rawValue), "cannot seal \(path): \(error.reason)")
        }
    }

    private static func configured(_ source: MasterKeySource) throws(TransparencyError) -> MasterKey? {
        do { return try source.masterKey() } catch {
            throw TransparencyError(.init(rawValue: error.code.rawValue), error.reason)
        }
    }

    /// Reads an existing key file; refuses one that others can read.
    private static func load(path: String, masterKey: MasterKey?) throws(TransparencyError) -> LogKey {
        var seed = try readSeed(path: path, masterKey: masterKey)
        defer { ConstantTime.wipe(&seed) }
        guard let key = try? Ed25519PrivateKey(seed: seed) else {
            throw TransparencyError(.logKeyUnusable, "\(path) is not a Greenmark log key file")
        }
        return LogKey(key: key)
    }

    /// The seed in an existing key file (opened with `masterKey` when sealed).
    private static func readSeed(path: String, masterKey: MasterKey?) throws(TransparencyError) -> [UInt8] {
        let fm = FileManager.default
        let attributes = try? fm.attributesOfItem(atPath: path)
        if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw TransparencyError(.logKeyUnusable, "\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard var data = fm.contents(atPath: path) else {
            throw TransparencyError(.logKeyUnusable, "cannot read \(path)")
        }
        defer { data.resetBytes(in: 0..<data.count) }
        if SealedFile.isSealed(data) {
            do {
                let plaintext = try SealedFile.open(data, purpose: .logKey, masterKey: masterKey)
                data = plaintext.withUnsafeBytes { Data($0) }
            } catch {
                throw TransparencyError(.init(rawValue: error.code.rawValue), "\(path): \(error.reason)")
            }
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data), file.version == 1,
              let seed = try? Base64URL.decode(file.seed), seed.count == 32 else {
            throw TransparencyError(.logKeyUnusable, "\(path) is not a Greenmark log key file")
        }
        return seed
    }

    init(key: Ed25519PrivateKey) {
        self.key = key
        origin = "greenmark/log/" + Hex.encode(SHA256Digest.hash(key.publicKey.rawRepresentation).prefix(8))
    }

    /// The C2SP note verifier key: `<origin>+<hex key ID>+<base64(0x01 || public key)>`.
    public var verifierKey: String {
        origin + "+" + Hex.encode(Checkpoint.keyID(name: origin, publicKey: key.publicKey)) + "+"
            + Data([0x01] + key.publicKey.rawRepresentation).base64EncodedString()
    }

    private struct File: Codable {
        let version: Int
        let seed: String
    }
}
