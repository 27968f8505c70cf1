import Foundation
import GreenmarkCrypto
import GreenmarkTestSupport
import Testing

/// `Ed25519PrivateKey` and `Ed25519PublicKey` against RFC 8032 section 7.1's Ed25519 test vectors
/// (TEST 1, 2, 3, 1024 and SHA(abc), from `../shared/external-vectors/rfc8037-rfc8032-ed25519`,
/// read at run time, never copied): every seed derives its public key, deterministic signing
/// gives the published signature byte for byte, and the signature verifies (and fails when a bit
/// of message or signature changes).
@Suite(
    "Ed25519 against RFC 8032 section 7.1",
    .enabled(
        if: ExternalVectors.enabled("rfc8037-rfc8032-ed25519"),
        "needs ../shared/external-vectors/rfc8037-rfc8032-ed25519 (never copied here); always runs when CI is set"))
struct RFC8032VectorTests {
    struct Vectors: Decodable {
        struct Vector: Decodable { let name, secret_key, public_key, message, signature: String }
        let vectors: [Vector]
    }

    @Test("the 5 vectors: public key, signature byte for byte, verification, and rejection of a changed message or signature")
    func section71() throws {
        let data = try ExternalVectors.data("rfc8037-rfc8032-ed25519", "rfc8032_section7_1_ed25519.json")
        let vectors = try JSONDecoder().decode(Vectors.self, from: data).vectors
        for v in vectors {
            let key = try Ed25519PrivateKey(seed: Hex.decode(v.secret_key))
            let message = try Hex.decode(v.message)
            #expect(Hex.encode(key.publicKey.rawRepresentation) == v.public_key, "\(v.name)")
            let signature = try key.signature(for: message)
            #expect(Hex.encode(signature) == v.signature, "\(v.name)")
            let published = try Ed25519PublicKey(rawRepresentation: Hex.decode(v.public_key))
            #expect(published.isValidSignature(try Hex.decode(v.signature), for: message), "\(v.name)")
            var tampered = signature
            tampered[0] ^= 1
            #expect(!published.isValidSignature(tampered, for: message), "\(v.name)")
            #expect(!published.isValidSignature(signature, for: message + [0]), "\(v.name)")
        }
        #expect(vectors.map(\.name) == ["TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)"])
        #expect(vectors.first { $0.name == "TEST 1024" }?.message.count == 2 * 1023)
    }
}
