import Foundation
import GreenmarkCrypto

/// A log checkpoint in the C2SP tlog-checkpoint format, signed as a C2SP signed note with
/// Ed25519:
///
///     <origin>\n<tree size>\n<base64 root hash>\n
///     \n
///     — <key name> <base64(key ID (4 bytes) || signature (64 bytes))>\n
///
/// where key ID = SHA-256(key name || 0x0A || 0x01 || public key)[0..4] and the signature covers
/// the checkpoint body (its three lines, final newline included).
public struct Checkpoint: Sendable, Equatable {
    public let origin: String
    public let size: Int
    public let root: [UInt8]

    public init(origin: String, size: Int, root: [UInt8]) throws(TransparencyError) {
        guard !origin.isEmpty, !origin.contains("\n"), origin.unicodeScalars.allSatisfy({ $0.value > 0x20 || $0 == " " }) else {
            throw TransparencyError(.checkpointMalformed, "the origin must be one non-empty line")
        }
        guard size >= 0, root.count == 32 else { throw TransparencyError(.checkpointMalformed, "size must be >= 0 and the root 32 bytes") }
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The three-line body that is signed.
    public var body: String { "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\n" }

    /// Parses a checkpoint body (extension lines after the third are ignored, as the format allows).
    public static func parse(body: String) throws(TransparencyError) -> Checkpoint {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard body.hasSuffix("\n"), lines.count >= 4, let size = Int(lines[1]), String(size) == lines[1],
              let root = Data(base64Encoded: String(lines[2])), root.count == 32 else {
            throw TransparencyError(.checkpointMalformed, "not a checkpoint: origin, decimal size and base64 root lines expected")
        }
        return try Checkpoint(origin: String(lines[0]), size: size, root: Array(root))
    }

    /// The signed-note key ID of an Ed25519 key named `name`.
    public static func keyID(name: String, publicKey: Ed25519PublicKey) -> [UInt8] {
        Array(SHA256Digest.hash(Array(name.utf8) + [0x0A, 0x01] + publicKey.rawRepresentation).prefix(4))
    }

    /// The signed note: the body, a blank line, and one signature line by `name`.
    public func signed(name: String, key: Ed25519PrivateKey) throws(TransparencyError) -> String {
        let signature: [UInt8]
        do {
            signature = try key.signature(for: Array(body.utf8))
        } catch {
            throw TransparencyError(.checkpointSignature, "signing failed: \(error.reason)")
        }
        let blob = Self.keyID(name: name, publicKey: key.publicKey) + signature
        return body + "\n" + "\u{2014} \(name) \(Data(blob).base64EncodedString())\n"
    }

    /// Verifies a signed note against `name`'s key and returns its checkpoint. Signature lines by
    /// other keys are ignored; at least one line must be by this key and verify.
    public static func verify(note: String, name: String, publicKey: Ed25519PublicKey) throws(TransparencyError) -> Checkpoint {
        guard let split = note.range(of: "\n\n") else { throw TransparencyError(.checkpointMalformed, "a signed note has a blank line before its signatures") }
        let body = String(note[..<split.lowerBound]) + "\n"
        let id = keyID(name: name, publicKey: publicKey)
        let prefix = "\u{2014} \(name) "
        var verified = false
        for line in note[split.upperBound...].split(separator: "\n") where line.hasPrefix(prefix) {
            guard let blob = Data(base64Encoded: String(line.dropFirst(prefix.count))), blob.count == 68, Array(blob.prefix(4)) == id else { continue }
            if publicKey.isValidSignature(Array(blob.dropFirst(4)), for: Array(body.utf8)) { verified = true }
        }
        guard verified else { throw TransparencyError(.checkpointSignature, "no valid signature by \(name)") }
        return try parse(body: body)
    }
}
