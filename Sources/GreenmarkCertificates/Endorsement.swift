import Foundation
import GreenmarkCrypto

/// A root key's signed statement that an issuing key may sign certificates within a time window.
/// Certificates carry it, so a verifier holding only the root public key can check them.
public struct Endorsement: Codable, Sendable, Equatable {
    /// JWS `typ` of endorsements.
    public static let type = "application/vnd.greenmark.endorsement+jws"

    /// What the root signs.
    public struct Body: Codable, Sendable, Equatable {
        public let type: String
        public let issuerKeyID: String
        public let publicKey: String
        public let notBefore: String
        public let notAfter: String?

        public static let typeName = "greenmark-endorsement/v1"

        enum CodingKeys: String, CodingKey {
            case type = "_type"
            case issuerKeyID = "issuer_key_id"
            case publicKey = "public_key"
            case notBefore = "not_before"
            case notAfter = "not_after"
        }
    }

    public let payload: String
    public let protected: String
    public let signature: String

    public init(payload: String, protected: String, signature: String) {
        self.payload = payload
        self.protected = protected
        self.signature = signature
    }

    /// The root's endorsement of `issuer` from `notBefore` (open-ended when `notAfter` is nil).
    public static func sign(issuer: Ed25519PublicKey, notBefore: Date, notAfter: Date?, root: Ed25519PrivateKey) throws(CertificateError)
        -> Endorsement
    {
        let body = Body(
            type: Body.typeName, issuerKeyID: SigningKeyID.issuer(issuer), publicKey: Base64URL.encode(issuer.rawRepresentation),
            notBefore: Timestamp.format(notBefore), notAfter: notAfter.map(Timestamp.format))
        let bytes = try JWS.canonicalBytes(of: body, "an endorsement")
        let (payload, sig) = try JWS.sign(payload: Array(bytes), key: root, kid: SigningKeyID.root(root.publicKey), typ: type)
        return Endorsement(payload: payload, protected: sig.protected, signature: sig.signature)
    }
}
