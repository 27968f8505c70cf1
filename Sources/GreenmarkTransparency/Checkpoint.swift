import Foundation
import GreenmarkCrypto

/// A log checkpoint in the C2SP tlog-checkpoint format, signed as a C2SP signed note
/// (`SignedNote`) with Ed25519:
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
            let root = Data(base64Encoded: String(lines[2])), root.count == 32
        else {
            throw TransparencyError(.checkpointMalformed, "not a checkpoint: origin, decimal size and base64 root lines expected")
        }
        return try Checkpoint(origin: String(lines[0]), size: size, root: Array(root))
    }

    /// The signed-note key ID of an Ed25519 key named `name`.
    public static func keyID(name: String, publicKey: Ed25519PublicKey) -> [UInt8] {
        SignedNote.keyID(name: name, type: SignedNote.Verifier.ed25519, key: publicKey.rawRepresentation)
    }

    /// The signed note: the body, a blank line, and one signature line by `name`.
    public func signed(name: String, key: Ed25519PrivateKey) throws(TransparencyError) -> String {
        try SignedNote(text: body).signed(by: [SignedNote.Signer(name: name, key: key)]).encoded
    }

    /// Verifies a signed note against `name`'s key and returns its checkpoint: the note must be
    /// well formed and verify with that key (`SignedNote.open`); signatures by other keys are ignored.
    public static func verify(note: String, name: String, publicKey: Ed25519PublicKey) throws(TransparencyError) -> Checkpoint {
        try open(note: Array(note.utf8), verifier: SignedNote.Verifier(name: name, publicKey: publicKey)).checkpoint
    }

    /// Opens a signed checkpoint as transparency-dev/formats' `ParseCheckpoint` does: the log's
    /// signature (by `verifier`) must be among the verified ones, `others` (witnesses) may verify
    /// too, unknown signatures are ignored, the body must parse and, when `origin` is given, name
    /// that origin.
    public static func open(
        note: some Collection<UInt8>, origin: String? = nil, verifier: SignedNote.Verifier,
        others: [SignedNote.Verifier] = []
    ) throws(TransparencyError) -> (checkpoint: Checkpoint, note: SignedNote.Opened) {
        let opened = try SignedNote.parse(note).open([verifier] + others)
        guard opened.verified.contains(where: { $0.name == verifier.name && $0.keyID == verifier.keyID }) else {
            throw TransparencyError(.checkpointSignature, "no valid signature by \(verifier.name)")
        }
        let checkpoint = try parse(body: opened.text)
        if let origin, checkpoint.origin != origin {
            let found = checkpoint.origin.debugDescription
            throw TransparencyError(.checkpointMalformed, "the checkpoint's origin is \(found), not \(origin.debugDescription)")
        }
        return (checkpoint, opened)
    }
}
