import Foundation
import GreenmarkCrypto

extension SignedNote {
    /// An Ed25519 note verifier key, written `<name>+<hex key ID>+<base64(0x01 || public key)>`
    /// (c2sp.org/signed-note; `golang.org/x/mod/sumdb/note.NewVerifier`).
    public struct Verifier: Sendable {
        /// The signature type of Ed25519 in signed notes.
        public static let ed25519: UInt8 = 0x01

        public let name: String
        public let keyID: [UInt8]
        public let publicKey: Ed25519PublicKey

        /// The verifier for `publicKey` under `name`.
        public init(name: String, publicKey: Ed25519PublicKey) throws(TransparencyError) {
            guard SignedNote.isValidName(name) else { throw TransparencyError(.checkpointMalformed, "invalid key name \(name.debugDescription)") }
            self.name = name
            self.publicKey = publicKey
            keyID = SignedNote.keyID(name: name, type: Self.ed25519, key: publicKey.rawRepresentation)
        }

        /// Reads a verifier key string. Rejected: a missing part, a key ID that is not 8 hex
        /// digits or not the ID of the name and key, non-canonical base64, a signature type other
        /// than Ed25519, a key that is not 32 bytes.
        public init(verifierKey: String) throws(TransparencyError) {
            let parts = verifierKey.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, SignedNote.isValidName(parts[0]), let id = SignedNote.keyIDHex(parts[1]),
                let key = SignedNote.strictBase64(parts[2]), !key.isEmpty
            else {
                throw TransparencyError(.checkpointMalformed, "not a note verifier key: <name>+<8 hex digits>+<base64 key> expected")
            }
            guard SignedNote.keyID(name: String(parts[0]), type: key[0], key: Array(key.dropFirst())) == id else {
                throw TransparencyError(.checkpointMalformed, "the verifier key's ID is not that of its name and key")
            }
            guard key[0] == Self.ed25519, key.count == 33, let publicKey = try? Ed25519PublicKey(rawRepresentation: Array(key.dropFirst())) else {
                throw TransparencyError(.checkpointMalformed, "the verifier key is not an Ed25519 key (type 0x01, 32 bytes)")
            }
            try self.init(name: String(parts[0]), publicKey: publicKey)
        }

        /// The verifier key string.
        public var verifierKey: String {
            name + "+" + Hex.encode(keyID) + "+" + Data([Self.ed25519] + publicKey.rawRepresentation).base64EncodedString()
        }

        /// Whether `signature` is this key's Ed25519 signature of `message`.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            signature.count == 64 && publicKey.isValidSignature(signature, for: message)
        }
    }

    /// Exactly 8 hex digits (either case, as Go's `strconv.ParseUint(_, 16, 32)` reads them).
    static func keyIDHex(_ text: Substring) -> [UInt8]? {
        guard text.utf8.count == 8, let bytes = try? Hex.decode(String(text)) else { return nil }
        return bytes
    }
}
