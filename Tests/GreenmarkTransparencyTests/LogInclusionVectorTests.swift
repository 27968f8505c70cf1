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
        #expect(expected.cases.count == 8)
        let certificate = try Self.bytes(Self.repo.appendingPathComponent(expected.certificate))
        let key = try Self.bytes(Self.dir.appendingPathComponent("log-key.json"))
        for (name, codes) in expected.cases.sorted(by: { $0.key < $1.key }) {
            let results = LogInclusionCheck.verify(certificate: certificate, evidence: try Self.bytes(Self.dir.appendingPathComponent(name)), key: key)
            #expect(results.map(\.code) == codes, "\(name): \(results)")
            #expect(results.allSatisfy(\.passed) == (name == "valid.json"), "\(name)")
        }
        // The valid evidence does not prove another certificate.
        let other = try Self.bytes(Self.repo.appendingPathComponent("certs/examples/generation-receipt.json"))
        let results = LogInclusionCheck.verify(certificate: other, evidence: try Self.bytes(Self.dir.appendingPathComponent("valid.json")), key: key)
        #expect(results.map(\.code) == ["log.checkpoint.valid", "log.inclusion.invalid"])
    }
}
