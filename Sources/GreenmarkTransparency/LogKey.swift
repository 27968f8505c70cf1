import Foundation
import GreenmarkCrypto

/// The transparency log's checkpoint-signing key: an Ed25519 seed in `HOME/log-key.json`
/// (mode 0600, written atomically, created on first use), and the log's public identity.
public struct LogKey: Sendable {
    public static let fileName = "log-key.json"

    public let key: Ed25519PrivateKey
    /// The log's origin line: `greenmark/log/` + 16 hex digits of SHA-256(public key).
    public let origin: String

    /// Loads the key from `directory`, creating it if there is none. Refuses a key file that
    /// others can read.
    public static func loadOrCreate(directory: String) throws(TransparencyError) -> LogKey {
        let path = directory + "/" + fileName
        let fm = FileManager.default
        if fm.fileExists(atPath: path) { return try load(path: path) }
        let created: (key: Ed25519PrivateKey, seed: [UInt8])
        do {
            created = try Ed25519PrivateKey.generate()
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw TransparencyError(.logKeyUnusable, "cannot create the log key: \(error)")
        }
        let data = try! JSONEncoder().encode(File(version: 1, seed: Base64URL.encode(created.seed)))
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
            return try load(path: path)
        }
        return LogKey(key: created.key)
    }

    /// Reads an existing key file; refuses one that others can read.
    private static func load(path: String) throws(TransparencyError) -> LogKey {
        let fm = FileManager.default
        let attributes = try? fm.attributesOfItem(atPath: path)
        if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw TransparencyError(.logKeyUnusable, "\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard let data = fm.contents(atPath: path),
              let file = try? JSONDecoder().decode(File.self, from: data), file.version == 1,
              let seed = try? Base64URL.decode(file.seed), seed.count == 32,
              let key = try? Ed25519PrivateKey(seed: seed) else {
            throw TransparencyError(.logKeyUnusable, "\(path) is not a Greenmark log key file")
        }
        return LogKey(key: key)
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
