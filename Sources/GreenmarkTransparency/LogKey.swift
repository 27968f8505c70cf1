import Foundation
import GreenmarkCrypto

/// The transparency log's checkpoint-signing key: an Ed25519 seed in `HOME/log-key.json`
/// (mode 0600, written through `AtomicFileWriter` under the home-wide `HomeLock`, created on first
/// use), and the log's public identity.
///
/// With a master key the file is written sealed (`greenmark-sealed-v1`, purpose `log-key`,
/// `docs/secrets-at-rest.md`) and a plaintext file is refused (`secrets.plaintext_refused`; only
/// `seal` takes it in). Each write increments the file's
/// `generation` and keeps its `lineage` (`docs/scale-out.md`).
public struct LogKey: Sendable {
    public static let fileName = "log-key.json"

    public let key: Ed25519PrivateKey
    /// The log's origin line: `greenmark/log/` + 16 hex digits of SHA-256(public key).
    public let origin: String

    /// Loads the key from `directory`, creating it if there is none (under the home lock, taken
    /// here or `held` by the caller, so of two concurrent first uses exactly one key is created
    /// and the other caller loads it). Refuses a key file that others can read.
    public static func loadOrCreate(
        directory: String, masterKey source: MasterKeySource = .none,
        holding held: HomeLock.Held? = nil
    ) throws(TransparencyError) -> LogKey {
        let path = directory + "/" + fileName
        let masterKey = try configured(source)
        if FileManager.default.fileExists(atPath: path) { return try load(path: path, masterKey: masterKey) }
        do { try AtomicFileWriter.ensureDirectory(directory) } catch { throw mapped(error) }
        return try locked(directory, held) { () throws(TransparencyError) -> LogKey in
            if FileManager.default.fileExists(atPath: path) { return try load(path: path, masterKey: masterKey) }
            var created: (key: Ed25519PrivateKey, seed: [UInt8])
            do { created = try Ed25519PrivateKey.generate() } catch {
                throw TransparencyError(.logKeyUnusable, "cannot create the log key: \(error)")
            }
            defer { ConstantTime.wipe(&created.seed) }
            var data = try encode(File(seed: created.seed, generation: 1, lineage: try newLineage()), path: path, masterKey: masterKey)
            defer { data.resetBytes(in: 0..<data.count) }
            // Never replaces: a key file that appeared anyway (a writer without the lock) wins and is loaded.
            do throws(FileError) {
                try AtomicFileWriter.write(data, to: path, access: .secret, existing: .refuse)
            } catch  where error.code == .exists {
                return try load(path: path, masterKey: masterKey)
            } catch {
                throw mapped(error)
            }
            return LogKey(key: created.key)
        }
    }

    /// The Ed25519 public key a log key file's `bytes` hold (opened with `source` when sealed), or
    /// nil when they do not open or are not a log key file. Key sync compares the shared log key
    /// with a local one by this, never replacing one key by another (`docs/scale-out.md`).
    public static func publicKey(ofFile bytes: [UInt8], masterKey source: MasterKeySource) -> [UInt8]? {
        var plaintext: Data
        if SealedFile.isSealed(bytes) {
            guard let key = try? source.masterKey(), let opened = try? SealedFile.open(bytes, purpose: .logKey, masterKey: key) else { return nil }
            plaintext = opened.withUnsafeBytes { Data($0) }
        } else {
            plaintext = Data(bytes)
        }
        defer { plaintext.resetBytes(in: 0..<plaintext.count) }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: plaintext), stored.version == 1,
            var seed = try? Base64URL.decode(stored.seed), seed.count == 32
        else { return nil }
        defer { ConstantTime.wipe(&seed) }
        return (try? Ed25519PrivateKey(seed: seed))?.publicKey.rawRepresentation
    }

    /// Whether the key file in `directory` is sealed under a master key.
    public static func isSealed(directory: String) -> Bool {
        SealedFile.isSealed(fileAt: directory + "/" + fileName)
    }

    /// Rewrites the key file in `directory` sealed under the configured master key (through
    /// `AtomicFileWriter`, under the home lock): a plaintext file, or one sealed under `previous`
    /// (master-key rotation); false when there is none or it is sealed under the configured key.
    @discardableResult
    public static func seal(
        directory: String, masterKey source: MasterKeySource, previous: MasterKeySource = .none,
        holding held: HomeLock.Held? = nil
    ) throws(TransparencyError) -> Bool {
        let path = directory + "/" + fileName
        guard let masterKey = try configured(source) else {
            throw TransparencyError(relaying: SealedFile.sealingNeedsMasterKey, else: .logKeyUnusable)
        }
        guard FileManager.default.fileExists(atPath: path) else { return false }
        return try locked(directory, held) { () throws(TransparencyError) -> Bool in
            guard let existing = FileManager.default.contents(atPath: path) else { return false }
            let sealedUnder = SealedFile.masterKeyID(of: existing)
            if sealedUnder == masterKey.id { return false }
            var file = try readFile(
                path: path, masterKey: sealedUnder == nil ? masterKey : try configured(previous), acceptingPlaintext: sealedUnder == nil)
            defer { ConstantTime.wipe(&file.seed) }
            file.generation += 1
            if file.lineage == nil { file.lineage = try newLineage() }
            var data = try encode(file, path: path, masterKey: masterKey)
            defer { data.resetBytes(in: 0..<data.count) }
            do throws(FileError) { try AtomicFileWriter.write(data, to: path, access: .secret) } catch { throw mapped(error) }
            return true
        }
    }

    /// Runs `body` under the home lock of `directory`: `held` when the caller has it (checked), else
    /// taken here. Both callers create or find the directory first; one that vanished since is a
    /// lock failure (`file.lock_failed`), as taking the lock in it would be.
    private static func locked<T>(_ directory: String, _ held: HomeLock.Held?, _ body: () throws(TransparencyError) -> T) throws(TransparencyError)
        -> T
    {
        try HomeLock(directory: directory).withLock(
            reusing: held, orElse: mapped, missingHome: mapped(FileError(.lockFailed, "cannot lock \(directory): it is not a directory")), body)
    }

    /// A writer or lock failure as a log-key error: `log.key_unusable` for a failed write, the
    /// lock's own code (`file.lock_*`) otherwise.
    private static func mapped(_ error: FileError) -> TransparencyError {
        TransparencyError(relaying: error, else: .logKeyUnusable)
    }

    private static func newLineage() throws(TransparencyError) -> String {
        do { return Hex.encode(try SecureRandom.bytes(count: 16)) } catch {
            throw TransparencyError(.logKeyUnusable, "cannot draw a lineage id: \(error.reason)")
        }
    }

    /// The file's bytes: JSON, sealed when there is a master key.
    private static func encode(_ file: File, path: String, masterKey: MasterKey?) throws(TransparencyError) -> Data {
        var json = Array(#"{"generation":"#.utf8) + Array(String(file.generation).utf8)
        if let lineage = file.lineage { json += Array(#","lineage":""#.utf8) + Array(lineage.utf8) + [UInt8(ascii: "\"")] }
        json += Array(#","seed":""#.utf8) + Array(Base64URL.encode(file.seed).utf8) + Array(#"","version":1}"#.utf8)
        defer { ConstantTime.wipe(&json) }
        var data = Data(json)
        do { try SealedFile.seal(&data, at: path, purpose: .logKey, masterKey: masterKey) } catch {
            throw TransparencyError(relaying: error, else: .logKeyUnusable)
        }
        return data
    }

    private static func configured(_ source: MasterKeySource) throws(TransparencyError) -> MasterKey? {
        do { return try source.masterKey() } catch {
            throw TransparencyError(relaying: error, else: .logKeyUnusable)
        }
    }

    /// Reads an existing key file; refuses one that others can read.
    private static func load(path: String, masterKey: MasterKey?) throws(TransparencyError) -> LogKey {
        var file = try readFile(path: path, masterKey: masterKey)
        defer { ConstantTime.wipe(&file.seed) }
        guard let key = try? Ed25519PrivateKey(seed: file.seed) else {
            throw TransparencyError(.logKeyUnusable, "\(path) is not a Greenmark log key file")
        }
        return LogKey(key: key)
    }

    /// An existing key file's contents (opened with `masterKey` when sealed). With a master key a
    /// plaintext file is refused unless `acceptingPlaintext` (only `seal` passes it).
    private static func readFile(path: String, masterKey: MasterKey?, acceptingPlaintext: Bool = false) throws(TransparencyError) -> File {
        let fm = FileManager.default
        let attributes = try? fm.attributesOfItem(atPath: path)
        if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw TransparencyError(.logKeyUnusable, "\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard var data = fm.contents(atPath: path) else {
            throw TransparencyError(.logKeyUnusable, "cannot read \(path)")
        }
        defer { data.resetBytes(in: 0..<data.count) }
        do { try SealedFile.unseal(&data, at: path, purpose: .logKey, masterKey: masterKey, acceptingPlaintext: acceptingPlaintext) } catch {
            throw TransparencyError(relaying: error, else: .logKeyUnusable)
        }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.version == 1,
            let seed = try? Base64URL.decode(stored.seed), seed.count == 32
        else {
            throw TransparencyError(.logKeyUnusable, "\(path) is not a Greenmark log key file")
        }
        return File(seed: seed, generation: stored.generation ?? 0, lineage: stored.lineage)
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

    /// A key file's contents: the seed, and the generation (0 in files written before it existed)
    /// and lineage every write carries.
    private struct File {
        var seed: [UInt8]
        var generation: Int
        var lineage: String?
    }

    /// The JSON of the key file.
    private struct Stored: Decodable {
        let version: Int
        let seed: String
        let generation: Int?
        let lineage: String?
    }
}
