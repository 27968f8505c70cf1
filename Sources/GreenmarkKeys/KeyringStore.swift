import Foundation
import GreenmarkCore
import GreenmarkCrypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and writes the keyring file `keyring.json` in a Greenmark home directory.
///
/// Writes go through `AtomicFileWriter` (exclusive mode-0600 temporary file, fsync, rename, fsync
/// of the directory), so a crash leaves either the old or the new keyring, never a half-written
/// one. Every change runs under the home-wide `HomeLock`, so two processes (or threads, or a CLI
/// command and the daemon) cannot lose each other's updates; a caller that holds the lock already
/// (to change the keyring and republish the trusted root as one step) passes it as `holding:`.
/// Each write increments the file's `generation` and keeps its `lineage` (a random id given when
/// the keyring is created), so a replayed older copy can be told apart (`docs/scale-out.md`). The
/// file must not be readable by group or others.
///
/// With a master key (`MasterKeySource`), every write is sealed (`greenmark-sealed-v1`, purpose
/// `keyring`, `docs/secrets-at-rest.md`) and a sealed file is opened with it; a plaintext file is
/// refused (`secrets.plaintext_refused`): never loaded, never re-sealed by a write. Only `seal()`
/// (`greenmark keys seal`, the migration an administrator runs) takes a plaintext file in.
/// Without a master key, files are written in plaintext as before and a sealed file cannot be
/// read (`secrets.master_key_required`).
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

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Creates a new keyring with one primary key; refuses to overwrite an existing one.
    @discardableResult
    public func initialize(scheme: WatermarkScheme = .default, vocabulary: String? = nil, holding held: HomeLock.Held? = nil) throws(GreenmarkError)
        -> Keyring
    {
        do { try AtomicFileWriter.ensureDirectory(directory) } catch { throw GreenmarkError(relaying: error, else: Self.writeFailed) }
        return try locked(held) { () throws(GreenmarkError) -> Keyring in
            guard !exists else {
                throw GreenmarkError(.keyringExists, "a keyring already exists at \(path); refusing to overwrite it")
            }
            let keyring = try Keyring.create(scheme: scheme, vocabulary: vocabulary)
            try write(keyring, after: nil)
            return keyring
        }
    }

    /// Loads the keyring.
    public func load() throws(GreenmarkError) -> Keyring {
        try loadRevision().keyring
    }

    /// The file's generation and lineage (`docs/scale-out.md`): absent in files written before
    /// they existed (generation 0, no lineage).
    package struct Revision {
        let generation: Int
        let lineage: String?
    }

    /// Loads the keyring and the revision of the file it came from. With a master key configured
    /// a plaintext file is refused unless `acceptingPlaintext` (only `seal()` passes it).
    func loadRevision(acceptingPlaintext: Bool = false) throws(GreenmarkError) -> (keyring: Keyring, revision: Revision) {
        let file = try readPlaintext(acceptingPlaintext: acceptingPlaintext) { data throws(GreenmarkError) -> KeyringFile in
            do { return try JSONDecoder.keyring.decode(KeyringFile.self, from: data) } catch {
                throw GreenmarkError(.keyringCorrupt, "\(path) is not a valid keyring file")
            }
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
            keys.append(
                WatermarkKey(
                    id: record.id, scheme: record.scheme, state: record.state, createdAt: record.createdAt,
                    vocabulary: record.vocabulary, secret: secret, disclosedAt: record.disclosedAt))
        }
        return (try Keyring(keys: keys), Revision(generation: file.generation ?? 0, lineage: file.lineage))
    }

    /// Loads, transforms and saves the keyring under the home lock (taken here, or `held` by the
    /// caller already); returns what `change` returned.
    public func modify<T>(holding held: HomeLock.Held? = nil, _ change: (Keyring) throws(GreenmarkError) -> (Keyring, T)) throws(GreenmarkError) -> T
    {
        try locked(held) { () throws(GreenmarkError) -> T in
            let (current, revision) = try loadRevision()
            let (next, result) = try change(current)
            try write(next, after: revision)
            return result
        }
    }

    // MARK: - Internals

    /// Writes `keyring` as the next revision after `previous` (nil: a new keyring, generation 1
    /// and a new lineage).
    func write(_ keyring: Keyring, after previous: Revision?) throws(GreenmarkError) {
        let lineage: String
        if let existing = previous?.lineage {
            lineage = existing
        } else {
            do { lineage = Hex.encode(try SecureRandom.bytes(count: 16)) } catch {
                throw GreenmarkError(.keyringWriteFailed, "cannot draw a lineage id: \(error.reason)")
            }
        }
        let file = KeyringFile(
            format: KeyringFile.formatName,
            version: Keyring.formatVersion,
            generation: (previous?.generation ?? 0) + 1,
            lineage: lineage,
            keys: keyring.keys.map {
                KeyringFile.Record(
                    id: $0.id, state: $0.state, scheme: $0.scheme, createdAt: $0.createdAt,
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
        let key = try configuredMasterKey()
        do { try SealedFile.seal(&data, at: path, purpose: .keyring, masterKey: key) } catch {
            throw GreenmarkError(relaying: error, else: .cryptoFailure)
        }
        do { try AtomicFileWriter.write(data, to: path, access: .secret) } catch { throw GreenmarkError(relaying: error, else: Self.writeFailed) }
    }

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
    /// Incremented by every write; absent (0) in files written before it existed.
    let generation: Int?
    /// A random id given when the keyring was created, kept by every write.
    let lineage: String?
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
