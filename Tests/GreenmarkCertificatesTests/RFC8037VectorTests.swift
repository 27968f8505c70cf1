import Foundation
import GreenmarkCertificates
import GreenmarkCrypto
import GreenmarkTestSupport
import Testing

/// Greenmark's JWS pieces against RFC 8037 appendix A (Ed25519 in JOSE), from
/// `../shared/external-vectors/rfc8037-rfc8032-ed25519/rfc8037_appendix_a.json` (read at run time,
/// never copied), at the signature level: the RFC's examples are not Greenmark certificates.
/// `Base64URL` reads and writes the JWK and JWS members, `JWS.signingInput` builds the A.4 input,
/// `Ed25519PrivateKey` signs it to the published signature and `Ed25519PublicKey` verifies the A.5
/// token; the draft-era token with `"alg":"Ed25519"` is refused by `CertificateVerifier` at the
/// algorithm check, the RFC token only later, at the `typ` check.
@Suite(
    "JWS and Ed25519 against RFC 8037 appendix A",
    .enabled(
        if: ExternalVectors.enabled("rfc8037-rfc8032-ed25519"),
        "needs ../shared/external-vectors/rfc8037-rfc8032-ed25519 (never copied here); always runs when CI is set"))
struct RFC8037VectorTests {
    struct Vectors: Decodable {
        struct JWK: Codable {
            let kty, crv, x: String
            let d: String?
        }
        struct Thumbprint: Decodable { let canonical_json, sha256_hex, base64url: String }
        struct Signing: Decodable {
            let protected_header_json, protected_b64u, payload_utf8, payload_b64u, signing_input: String
            let signature_hex, signature_b64u, jws_compact: String
        }
        struct Validation: Decodable { let jws_compact: String }
        struct Draft: Decodable {
            let jws_compact: String
            let signature_valid_over_its_own_input: Bool
        }
        let privateJWK: JWK
        let secretHex, publicHex: String
        let publicJWK: JWK
        let thumbprint: Thumbprint
        let signing: Signing
        let validation: Validation
        let draft: Draft

        enum CodingKeys: String, CodingKey {
            case privateJWK = "A.1_private_jwk"
            case secretHex = "A.1_secret_hex"
            case publicHex = "A.1_public_hex"
            case publicJWK = "A.2_public_jwk"
            case thumbprint = "A.3_thumbprint"
            case signing = "A.4_signing"
            case validation = "A.5_validation"
            case draft = "draft_variant_must_fail_under_RFC"
        }
    }

    static func vectors() throws -> Vectors {
        try JSONDecoder().decode(Vectors.self, from: ExternalVectors.data("rfc8037-rfc8032-ed25519", "rfc8037_appendix_a.json"))
    }

    /// A compact JWS's three parts, base64url-decoded strictly.
    static func parts(_ compact: String) throws -> (header: [UInt8], payload: [UInt8], signature: [UInt8], input: [UInt8]) {
        let p = compact.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        try #require(p.count == 3)
        return (try Base64URL.decode(p[0]), try Base64URL.decode(p[1]), try Base64URL.decode(p[2]), JWS.signingInput(protected: p[0], payload: p[1]))
    }

    @Test("A.1-A.3: the JWK members decode to RFC 8032 TEST 1's seed and key, and the thumbprint input is JWS.canonicalEncoder's output")
    func keys() throws {
        let v = try Self.vectors()
        let seed = try Base64URL.decode(try #require(v.privateJWK.d))
        let x = try Base64URL.decode(v.publicJWK.x)
        #expect(Hex.encode(seed) == v.secretHex && Hex.encode(x) == v.publicHex)
        let key = try Ed25519PrivateKey(seed: seed)
        #expect(Base64URL.encode(key.publicKey.rawRepresentation) == v.privateJWK.x && v.privateJWK.x == v.publicJWK.x)
        #expect(Base64URL.encode(seed) == v.privateJWK.d)
        // RFC 7638: the required members in lexicographic order, no white space.
        let canonical = try JWS.canonicalEncoder.encode(Vectors.JWK(kty: v.publicJWK.kty, crv: v.publicJWK.crv, x: v.publicJWK.x, d: nil))
        #expect(String(decoding: canonical, as: UTF8.self) == v.thumbprint.canonical_json)
        let digest = SHA256Digest.hash(Array(canonical))
        #expect(Hex.encode(digest) == v.thumbprint.sha256_hex && Base64URL.encode(digest) == v.thumbprint.base64url)
    }

    @Test("A.4: Greenmark's base64url and signing input give the RFC's, and Ed25519 signs it to the published signature byte for byte")
    func signing() throws {
        let v = try Self.vectors().signing
        let key = try Ed25519PrivateKey(seed: Base64URL.decode(try Self.vectors().privateJWK.d ?? ""))
        let protected = Base64URL.encode(Array(v.protected_header_json.utf8))
        let payload = Base64URL.encode(Array(v.payload_utf8.utf8))
        #expect(protected == v.protected_b64u && payload == v.payload_b64u)
        let input = JWS.signingInput(protected: protected, payload: payload)
        #expect(input == Array(v.signing_input.utf8))
        let signature = try key.signature(for: input)
        #expect(Hex.encode(signature) == v.signature_hex && Base64URL.encode(signature) == v.signature_b64u)
        #expect([protected, payload, Base64URL.encode(signature)].joined(separator: ".") == v.jws_compact)
    }

    @Test("A.5: the RFC's token verifies with the A.2 public key; a changed payload or signature does not")
    func validation() throws {
        let v = try Self.vectors()
        let key = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(v.publicJWK.x))
        let token = try Self.parts(v.validation.jws_compact)
        #expect(String(decoding: token.header, as: UTF8.self) == #"{"alg":"EdDSA"}"#)
        #expect(String(decoding: token.payload, as: UTF8.self) == "Example of Ed25519 signing")
        #expect(key.isValidSignature(token.signature, for: token.input))
        #expect(!key.isValidSignature(token.signature, for: token.input + [0x20]))
        var flipped = token.signature
        flipped[63] ^= 0x80
        #expect(!key.isValidSignature(flipped, for: token.input))
    }

    @Test("the draft token (alg Ed25519): a genuine signature that CertificateVerifier refuses at the algorithm; the RFC token passes that check")
    func draftAlgorithm() throws {
        let v = try Self.vectors()
        let key = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(v.publicJWK.x))
        let draft = try Self.parts(v.draft.jws_compact)
        #expect(v.draft.signature_valid_over_its_own_input && key.isValidSignature(draft.signature, for: draft.input))
        let verifier = CertificateVerifier(
            anchor: TrustAnchor(
                trustedRoot: .init(
                    version: 1, issuedAt: "2026-01-01T00:00:00Z", expires: nil, threshold: 1, rootKeys: [], issuingKeys: [], watermarkKeys: [])))
        func report(_ compact: String) -> VerificationReport {
            let p = compact.split(separator: ".").map(String.init)
            let file =
                #"{"protected":"\#(p[0])","payload":"\#(p[1])","signature":"\#(p[2])","#
                + #""header":{"endorsement":{"protected":"\#(p[0])","payload":"\#(p[1])","signature":"\#(p[2])"}}}"#
            return verifier.verify(certificate: Array(file.utf8), text: nil)
        }
        let refused = report(v.draft.jws_compact)
        #expect(refused.failures == [VerificationCode.headerAlgorithmUnsupported.rawValue], "\(refused.checks)")
        // The RFC's own token is EdDSA: it gets past the algorithm and fails as what it is, not a
        // Greenmark certificate (no typ).
        let rfc = report(v.validation.jws_compact)
        #expect(rfc.failures == [VerificationCode.headerTypeMismatch.rawValue], "\(rfc.checks)")
    }
}
