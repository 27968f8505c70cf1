import Foundation
import Testing

/// Third-party verifiability: `docs/verify_certificate.py` (Python + `cryptography`, written from
/// the spec, no Swift) must agree with the expected outcome of every root-key conformance case and
/// accept the shipped examples.
@Suite("Independent Python verifier")
struct ThirdPartyVerificationTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func python(_ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.repo.appendingPathComponent("docs/verify_certificate.py").path] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test("the shipped examples verify with Python's cryptography")
    func examples() throws {
        let ex = Self.repo.appendingPathComponent("certs/examples")
        for cert in ["detection-attestation.json", "generation-receipt.json"] {
            #expect(try python([ex.appendingPathComponent(cert).path, ex.appendingPathComponent("text.txt").path,
                                ex.appendingPathComponent("root-key.json").path]) == 0, "\(cert)")
        }
    }

    @Test("Python agrees with every root-key conformance case")
    func conformanceAgreement() throws {
        let root = ConformanceTests.root
        var checked = 0
        for name in ConformanceTests.caseNames {
            let dir = root.appendingPathComponent(name)
            let trust = try Data(contentsOf: dir.appendingPathComponent("trust.json"))
            guard let object = try? JSONSerialization.jsonObject(with: trust) as? [String: Any], object["_type"] as? String == "greenmark-root-key/v1" else { continue }
            let expected = try JSONDecoder().decode(ConformanceTests.Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
            let status = try python([dir.appendingPathComponent("certificate.json").path, dir.appendingPathComponent("text.txt").path,
                                     dir.appendingPathComponent("trust.json").path])
            #expect(status == (expected.status == "valid" ? 0 : 1), "\(name)")
            checked += 1
        }
        #expect(checked >= 20)
    }
}
