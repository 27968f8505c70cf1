import Foundation
import GreenmarkCrypto

/// JWS JSON serialization (RFC 7515 section 7.2) with EdDSA/Ed25519 (RFC 8037): the signature
/// covers the exact bytes `ASCII(BASE64URL(protected) || "." || BASE64URL(payload))`, so nothing is
/// ever canonicalized or re-serialized.
public enum JWS {
    /// A protected header as Greenmark writes it.
    public struct Header: Codable, Sendable, Equatable {
        public let alg: String
        public let kid: String
        public let typ: String

        public init(kid: String, typ: String) {
            self.alg = "EdDSA"
            self.kid = kid
            self.typ = typ
        }

        /// The header as `JWS.canonicalEncoder` encodes it (`{"alg":…,"kid":…,"typ":…}`), written directly.
        func canonicalJSON() -> [UInt8] {
            var w = CanonicalJSONWriter(capacity: 128)
            w.beginObject()
            w.key("alg")
            w.string(alg)
            w.key("kid")
            w.string(kid)
            w.key("typ")
            w.string(typ)
            w.endObject()
            return w.bytes
        }
    }

    /// One signature: encoded protected header and signature.
    public struct Signature: Codable, Sendable, Equatable {
        public let protected: String
        public let signature: String

        public init(protected: String, signature: String) {
            self.protected = protected
            self.signature = signature
        }
    }

    /// The JWS signing input.
    public static func signingInput(protected: String, payload: String) -> [UInt8] {
        Array(protected.utf8) + [UInt8(ascii: ".")] + Array(payload.utf8)
    }

    /// Signs `payload` with `key` under a header of type `typ`; returns the encoded payload and signature.
    public static func sign(payload: [UInt8], key: Ed25519PrivateKey, kid: String, typ: String) throws(CertificateError) -> (
        payload: String, signature: Signature
    ) {
        let protected = Base64URL.encode(Header(kid: kid, typ: typ).canonicalJSON())
        let encodedPayload = Base64URL.encode(payload)
        do {
            let sig = try key.signature(for: signingInput(protected: protected, payload: encodedPayload))
            return (encodedPayload, Signature(protected: protected, signature: Base64URL.encode(sig)))
        } catch {
            throw CertificateError(.cryptoFailure, error.description)
        }
    }

    /// The encoder for every signed JSON document: sorted keys, no escaped slashes, no spaces.
    public static var canonicalEncoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// `value` encoded by `canonicalEncoder`; a failure is `crypto_failure` "cannot encode `what`".
    static func canonicalBytes(of value: some Encodable, _ what: String) throws(CertificateError) -> Data {
        do { return try canonicalEncoder.encode(value) } catch { throw CertificateError(.cryptoFailure, "cannot encode \(what)") }
    }

    /// The encoder for the JSON files a home keeps (trust files, signing keys): pretty-printed,
    /// sorted keys, no escaped slashes.
    static var fileEncoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
