import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

/// Key commitments and disclosures against the published test vectors.
@Suite("Key commitments (docs/key-disclosure.md)")
struct KeyCommitmentTests {
    struct Vector: Decodable {
        let key_hex: String
        let key_id: String
        let commitment: String
    }

    @Test("commitments and ids match docs/test-vectors/key-commitment-v1.json; a disclosure round-trips and re-derives the id")
    func vectors() throws {
        let url = repositoryRoot.appendingPathComponent("docs/test-vectors/key-commitment-v1.json")
        let vectors = try JSONDecoder().decode([Vector].self, from: Data(contentsOf: url))
        #expect(vectors.count == 4)
        for v in vectors {
            let key = try WatermarkKey(secret: try Hex.decode(v.key_hex), scheme: .leftHash, state: .disabled)
            #expect(key.id == v.key_id)
            #expect(key.commitment == v.commitment)
            let disclosed = try JSONDecoder().decode(DisclosedKey.self, from: JSONEncoder().encode(try DisclosedKey(key: key)))
            #expect(try disclosed.watermarkKey().id == v.key_id)
        }
    }
}
