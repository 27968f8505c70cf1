import Foundation
import GreenmarkCrypto

/// A C2SP signed note (c2sp.org/signed-note), as `golang.org/x/mod/sumdb/note` reads and writes it.
///
///     <text, ending in a newline>
///     \n
///     — <key name> <base64(key ID (4 bytes) || signature)>\n      (one line per signature)
///
/// The whole note is valid UTF-8 with no control character but newline; the signatures start after
/// the *last* blank line; every line after it is a signature line and the last one ends in a newline;
/// a key name is non-empty, without white space or `+`; at most `maximumSignatures` lines.
/// `open(_:)` then checks the signatures against known keys, as the Go reference does: a signature
/// whose (name, key ID) no known key has (another signer, a witness cosignature, a signature type
/// this code does not know) is kept as unverified and otherwise ignored; a known key's signature
/// that does not verify rejects the note; repeated lines count once; the note is accepted only
/// with at least one verified signature. `Checkpoint` is a signed note whose text is a
/// tlog-checkpoint body. Vectors: `SignedNoteVectorTests` (golang.org/x/mod, transparency-dev
/// formats, the C2SP spec, a real sum.golang.org checkpoint).
public struct SignedNote: Sendable, Equatable {
    /// One signature line: `— <name> <base64(key ID || signature)>`.
    public struct Signature: Sendable, Equatable, Hashable {
        public let name: String
        /// The first four bytes of the line's blob: the key ID of the signing key.
        public let keyID: [UInt8]
        /// The rest of the blob (for Ed25519, the 64-byte signature).
        public let signature: [UInt8]

        /// A signature by the key `name` with ID `keyID`.
        public init(name: String, keyID: [UInt8], signature: [UInt8]) throws(TransparencyError) {
            guard SignedNote.isValidName(name), keyID.count == 4, !signature.isEmpty else {
                throw TransparencyError(.checkpointMalformed, "malformed note: a signature needs a key name, a 4-byte key ID and signature bytes")
            }
            (self.name, self.keyID, self.signature) = (name, keyID, signature)
        }

        /// A signature from a line's name and base64 blob; when `keyID` is given, it must be the
        /// blob's first four bytes.
        public init(name: String, base64: String, keyID expected: [UInt8]? = nil) throws(TransparencyError) {
            guard let blob = SignedNote.strictBase64(Substring(base64)), blob.count >= 5,
                expected.map({ $0 == Array(blob.prefix(4)) }) ?? true
            else {
                throw TransparencyError(.checkpointMalformed, "malformed note: the signature of \(name) is not base64 of a key ID and a signature")
            }
            try self.init(name: name, keyID: Array(blob.prefix(4)), signature: Array(blob.dropFirst(4)))
        }

        /// The blob in base64.
        public var base64: String { Data(keyID + signature).base64EncodedString() }
        /// The signature line, final newline included.
        public var line: String { "\u{2014} \(name) \(base64)\n" }
        /// `<name>+<hex key ID>`, as the Go reference names keys in its messages.
        public var keyName: String { name + "+" + Hex.encode(keyID) }
    }

    /// What `open(_:)` found: the text, the signatures that verified, and those by unknown keys.
    public struct Opened: Sendable, Equatable {
        public let text: String
        public let verified: [Signature]
        public let unverified: [Signature]
    }

    /// Most signature lines a note may have (the Go reference's limit).
    public static let maximumSignatures = 100

    public let text: String
    public let signatures: [Signature]

    /// A note with `text` (ending in a newline, no control character but newline) and `signatures`.
    public init(text: String, signatures: [Signature] = []) throws(TransparencyError) {
        guard text.hasSuffix("\n"), Self.isWellFormed(text.unicodeScalars) else {
            throw TransparencyError(.checkpointMalformed, "malformed note: the text must end in a newline and have no control character but newline")
        }
        guard signatures.count <= Self.maximumSignatures else {
            throw TransparencyError(.checkpointMalformed, "malformed note: more than \(Self.maximumSignatures) signatures")
        }
        (self.text, self.signatures) = (text, signatures)
    }

    /// The note's bytes: the text, a blank line, the signature lines.
    public var encoded: String { text + "\n" + signatures.map(\.line).joined() }

    /// Reads a note's format (nothing is verified yet).
    public static func parse(_ bytes: some Collection<UInt8>) throws(TransparencyError) -> SignedNote {
        let bytes = Array(bytes)
        guard let whole = String(validating: bytes, as: UTF8.self), isWellFormed(whole.unicodeScalars) else {
            throw TransparencyError(.checkpointMalformed, "malformed note: not UTF-8 without control characters other than newline")
        }
        // The signature block follows the last blank line and ends in a newline.
        guard let split = lastBlankLine(bytes), split + 2 < bytes.count, bytes.last == 0x0A else {
            throw TransparencyError(.checkpointMalformed, "malformed note: the text must be followed by a blank line and signature lines")
        }
        var signatures = [Signature]()
        for line in bytes[(split + 2)...].dropLast().split(separator: 0x0A, omittingEmptySubsequences: false) {
            guard line.starts(with: emDashSpace) else {
                throw TransparencyError(.checkpointMalformed, "malformed note: a line after the blank line is not a signature line")
            }
            let rest = line.dropFirst(emDashSpace.count)
            guard let space = rest.firstIndex(of: 0x20) else {
                throw TransparencyError(.checkpointMalformed, "malformed note: a signature line needs a key name and a signature")
            }
            let name = String(decoding: rest[..<space], as: UTF8.self)
            signatures.append(try Signature(name: name, base64: String(decoding: rest[(space + 1)...], as: UTF8.self)))
            guard signatures.count <= maximumSignatures else {
                throw TransparencyError(.checkpointMalformed, "malformed note: more than \(maximumSignatures) signatures")
            }
        }
        return try SignedNote(text: String(decoding: bytes[...split], as: UTF8.self), signatures: signatures)
    }

    /// Checks the signatures against `verifiers` (see the type's documentation for the rules).
    public func open(_ verifiers: [Verifier]) throws(TransparencyError) -> Opened {
        var verified = [Signature]()
        var unverified = [Signature]()
        let message = Array(text.utf8)
        for s in signatures {
            let keys = verifiers.filter { $0.name == s.name && $0.keyID == s.keyID }
            if keys.isEmpty {
                if !unverified.contains(s) { unverified.append(s) }
                continue
            }
            guard keys.count == 1 else { throw TransparencyError(.checkpointSignature, "ambiguous key \(s.keyName)") }
            if verified.contains(where: { $0.name == s.name && $0.keyID == s.keyID }) { continue }
            guard keys[0].isValidSignature(s.signature, for: message) else {
                throw TransparencyError(.checkpointSignature, "invalid signature for key \(s.keyName)")
            }
            verified.append(s)
        }
        guard !verified.isEmpty else { throw TransparencyError(.checkpointSignature, "note has no verifiable signatures") }
        return Opened(text: text, verified: verified, unverified: unverified)
    }

    /// This note signed by `signers` too: the existing signatures first, except those by the same
    /// keys as `signers`, then one new line per signer, in order.
    public func signed(by signers: [Signer]) throws(TransparencyError) -> SignedNote {
        var fresh = [Signature]()
        for signer in signers { fresh.append(try signer.sign(Array(text.utf8))) }
        let kept = signatures.filter { s in !signers.contains { $0.name == s.name && $0.keyID == s.keyID } }
        return try SignedNote(text: text, signatures: kept + fresh)
    }

    /// The key ID of a key named `name` with signature type `type` (0x01 for Ed25519) and public
    /// key bytes `key`: SHA-256(name || 0x0A || type || key)[0..4].
    public static func keyID(name: String, type: UInt8, key: [UInt8]) -> [UInt8] {
        Array(SHA256Digest.hash(Array(name.utf8) + [0x0A, type] + key).prefix(4))
    }

    /// A key name: non-empty, no white space (Unicode White_Space), no `+`.
    public static func isValidName(_ name: some StringProtocol) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0 == "+" || $0.properties.isWhitespace }
    }

    /// Standard base64 with padding, in its one canonical spelling (what encoding gives back).
    static func strictBase64(_ text: Substring) -> [UInt8]? {
        guard let data = Data(base64Encoded: String(text)), data.base64EncodedString() == text else { return nil }
        return Array(data)
    }

    private static let emDashSpace: [UInt8] = Array("\u{2014} ".utf8)

    private static func isWellFormed(_ scalars: String.UnicodeScalarView) -> Bool {
        !scalars.contains { $0.value < 0x20 && $0 != "\n" }
    }

    private static func lastBlankLine(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        return stride(from: bytes.count - 2, through: 0, by: -1).first { bytes[$0] == 0x0A && bytes[$0 + 1] == 0x0A }
    }
}
