import Foundation
import GreenmarkTransparency
import Testing

/// `LogInclusionCheck` (what `greenmark verify --log-proof --log-key` runs) against the evidence
/// files of docs/test-vectors/log-inclusion-v1, written by an independent Python reference
/// (`log_inclusion_v1_reference.py`: RFC 9162 hashing, C2SP signed note, `cryptography` Ed25519).
@Suite("Log inclusion evidence vectors (docs/test-vectors/log-inclusion-v1)")
struct LogInclusionVectorTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let dir = repo.appendingPathComponent("docs/test-vectors/log-inclusion-v1")

    struct Expected: Decodable {
        let certificate: String
        let cases: [String: [String]]
    }

    static func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }

    @Test("every evidence file gives exactly its expected checks, in order")
    func vectors() throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.dir.appendingPathComponent("expected.json")))
        #expect(expected.cases.count == 17)
        let certificate = try Self.bytes(Self.repo.appendingPathComponent(expected.certificate))
        let key = try Self.bytes(Self.dir.appendingPathComponent("log-key.json"))
        for (name, codes) in expected.cases.sorted(by: { $0.key < $1.key }) {
            let results = LogInclusionCheck.verify(
                certificate: certificate, evidence: try Self.bytes(Self.dir.appendingPathComponent(name)), key: key)
            #expect(results.map(\.code) == codes, "\(name): \(results)")
            #expect(results.allSatisfy(\.passed) == name.hasPrefix("valid"), "\(name)")
        }
        // The valid evidence does not prove another certificate.
        let other = try Self.bytes(Self.repo.appendingPathComponent("certs/examples/generation-receipt.json"))
        let results = LogInclusionCheck.verify(certificate: other, evidence: try Self.bytes(Self.dir.appendingPathComponent("valid.json")), key: key)
        #expect(results.map(\.code) == ["log.checkpoint.valid", "log.inclusion.invalid"])
        // A v2 leaf survives re-serializing the certificate file (other whitespace and member
        // order); a v1 leaf is the exact bytes, so the same re-serialized file fails it.
        let object = try JSONSerialization.jsonObject(with: Data(certificate))
        let reserialized = Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        #expect(reserialized != certificate)
        let v2 = LogInclusionCheck.verify(
            certificate: reserialized, evidence: try Self.bytes(Self.dir.appendingPathComponent("valid-leaf-v2.json")), key: key)
        #expect(v2.map(\.code) == ["log.checkpoint.valid", "log.inclusion.valid"])
        let v1 = LogInclusionCheck.verify(
            certificate: reserialized, evidence: try Self.bytes(Self.dir.appendingPathComponent("valid.json")), key: key)
        #expect(v1.map(\.code) == ["log.checkpoint.valid", "log.inclusion.invalid"])
    }

    @Test("the v2 leaf input is the prefix and the compact form of the signed parts; the daemon logs v2")
    func leafForms() throws {
        let certificate = try Self.bytes(Self.repo.appendingPathComponent("certs/examples/detection-attestation.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(certificate)) as? [String: Any])
        let compact = "\(object["protected"]!).\(object["payload"]!).\(object["signature"]!)"
        #expect(LogLeaf.v2Input(certificate: certificate) == Array("greenmark-log-leaf/v2\n\(compact)".utf8))
        #expect(LogLeaf.hash(certificate: certificate) == MerkleTree.leafHash(Array("greenmark-log-leaf/v2\n\(compact)".utf8)))
        #expect(LogLeaf.candidateHashes(certificate: certificate) == [LogLeaf.hash(certificate: certificate), MerkleTree.leafHash(certificate)])
        #expect(LogLeaf.v2Input(certificate: Array("{\"protected\":\"a=\",\"payload\":\"b\",\"signature\":\"c\"}".utf8)) == nil)
    }
}
