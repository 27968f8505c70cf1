import Foundation
import GreenmarkCrypto

/// A bare root public key, the smallest thing a verifier can pin (`certs/root-key.json`).
public struct RootKeyFile: Codable, Sendable {
    public static let typeName = "greenmark-root-key/v1"

    public let type: String
    public let keyID: String
    public let publicKey: String

    public init(_ key: Ed25519PublicKey) {
        type = Self.typeName
        keyID = SigningKeyID.root(key)
        publicKey = Base64URL.encode(key.rawRepresentation)
    }

    enum CodingKeys: String, CodingKey {
        case type = "_type"
        case keyID = "key_id"
        case publicKey = "public_key"
    }

    /// The root key a parsed root key file pins: exactly the members `_type`, `key_id` and
    /// `public_key`, a 32-byte key and the key id derived from it; nil otherwise.
    static func pinnedKey(_ object: [String: Any]) -> TrustedRoot.RootKey? {
        guard StrictJSON.hasExactlyStrings(object, ["_type", "key_id", "public_key"]), object["_type"] as? String == typeName,
            let keyID = object["key_id"] as? String, let publicKey = object["public_key"] as? String,
            let key = TrustedRoot.publicKey(publicKey), SigningKeyID.root(key) == keyID
        else { return nil }
        return .init(keyID: keyID, publicKey: publicKey)
    }
}
