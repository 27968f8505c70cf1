import Foundation
import GreenmarkCrypto
import GreenmarkTestSupport
import Testing

/// The Swift verifier (OpenSSL) against Project Wycheproof's Ed25519 verification vectors
/// (`../shared/external-vectors/rfc8037-rfc8032-ed25519`, read at run time, never copied):
/// `docs/certificate-format.md` names OpenSSL's behaviour on the edge cases as the rule.
@Suite("Ed25519 against Wycheproof")
struct Ed25519WycheproofTests {
    struct Vectors: Decodable {
        struct Group: Decodable {
            struct Key: Decodable { let pk: String }
            struct Case: Decodable {
                let tcId: Int
                let msg: String
                let sig: String
                let result: String
            }
            let publicKey: Key
            let tests: [Case]
        }
        let numberOfTests: Int
        let testGroups: [Group]
    }

    @Test(
        "every valid vector verifies and every invalid one is rejected (151 vectors)",
        .enabled(if: ExternalVectors.enabled("rfc8037-rfc8032-ed25519"), "needs ../shared/external-vectors/rfc8037-rfc8032-ed25519"))
    func wycheproof() throws {
        let vectors = try JSONDecoder().decode(Vectors.self, from: ExternalVectors.data("rfc8037-rfc8032-ed25519", "wycheproof_ed25519_test.json"))
        var checked = 0
        for group in vectors.testGroups {
            let key = try Ed25519PublicKey(rawRepresentation: try Hex.decode(group.publicKey.pk))
            for t in group.tests {
                let accepted = key.isValidSignature(try Hex.decode(t.sig), for: try Hex.decode(t.msg))
                #expect(accepted == (t.result == "valid"), "tcId \(t.tcId): \(t.result)")
                checked += 1
            }
        }
        #expect(checked == vectors.numberOfTests && checked == 151)
    }
}
