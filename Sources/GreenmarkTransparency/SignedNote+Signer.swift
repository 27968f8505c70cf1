import Foundation
import GreenmarkCrypto

extension SignedNote {
    /// An Ed25519 note signer; its key string is `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ||
    /// seed)>` (`golang.org/x/mod/sumdb/note.NewSigner`).
    public struct Signer: Sendable {
        public let name: String
        public let keyID: [UInt8]
        public let key: Ed25519PrivateKey
        /// The matching verifier.
        public let verifier: Verifier

        /// The signer for `key` under `name`.
        public init(name: String, key: Ed25519PrivateKey) throws(TransparencyError) {
            guard SignedNote.isValidName(name) else { throw TransparencyError(.checkpointMalformed, "invalid key name \(name.debugDescription)") }
            self.name = name
            self.key = key
            verifier = try Verifier(name: name, publicKey: key.publicKey)
            keyID = verifier.keyID
        }

        /// Reads a signer key string; the key ID must be that of the name and the derived public key.
        public init(signerKey: String) throws(TransparencyError) {
            let parts = signerKey.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
            guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY", SignedNote.isValidName(parts[2]),
                let id = SignedNote.keyIDHex(parts[3]), let key = SignedNote.strictBase64(parts[4]), !key.isEmpty
            else {
                throw TransparencyError(.checkpointMalformed, "not a note signer key: PRIVATE+KEY+<name>+<8 hex digits>+<base64 key> expected")
            }
            guard key[0] == Verifier.ed25519, key.count == 33, let privateKey = try? Ed25519PrivateKey(seed: Array(key.dropFirst())) else {
                throw TransparencyError(.checkpointMalformed, "the signer key is not an Ed25519 seed (type 0x01, 32 bytes)")
            }
            try self.init(name: String(parts[2]), key: privateKey)
            guard keyID == id else { throw TransparencyError(.checkpointMalformed, "the signer key's ID is not that of its name and public key") }
        }

        /// The signature of `text` as a note signature line.
        public func sign(_ text: [UInt8]) throws(TransparencyError) -> Signature {
            let signature: [UInt8]
            do { signature = try key.signature(for: text) } catch { throw TransparencyError(.checkpointSignature, "signing failed: \(error.reason)") }
            return try Signature(name: name, keyID: keyID, signature: signature)
        }
    }
}
