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
}
