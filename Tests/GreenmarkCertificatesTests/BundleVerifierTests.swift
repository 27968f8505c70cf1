import Foundation
import GreenmarkCertificates
import Testing

/// `BundleDocument` and `BundleVerifier` beyond the conformance cases: the size limit (no 80 MiB
/// fixture is kept), the file round trip, how a verifier tells a bundle from a certificate, and
/// that a verifier reused across a batch gives the same reports as a fresh one.
@Suite("Provenance bundles")
struct BundleVerifierTests {
    static func files(_ name: String) throws -> BundleConformanceTests.Files { try BundleConformanceTests.Files(name: name) }

    @Test("a bundle over 80 MiB is bundle.too_large before anything is parsed; exactly 80 MiB is read")
    func tooLarge() throws {
        let good = try Self.files("bundle-valid-root-key")
        let verifier = BundleVerifier(pinned: good.trust)
        let over = verifier.verify(bundle: [UInt8](repeating: 0x20, count: BundleDocument.maximumBytes + 1), at: good.at)
        #expect(over.checks.map(\.code) == ["bundle.too_large"])
        // The valid bundle padded with whitespace to exactly the limit still verifies.
        let padded = good.bundle + [UInt8](repeating: 0x20, count: BundleDocument.maximumBytes - good.bundle.count)
        let report = verifier.verify(bundle: padded, at: good.at)
        #expect(report.status == .valid, "\(report.failures)")
    }

    @Test("fileBytes then read gives the same bundle; isBundle tells bundles from certificates")
    func roundTrip() throws {
        let good = try Self.files("bundle-valid-logged")
        let bundle = try BundleDocument.read(good.bundle).get()
        #expect(try BundleDocument.read(bundle.fileBytes()).get() == bundle)
        #expect(bundle.logProof != nil)
        #expect(BundleDocument.isBundle(good.bundle))
        let certificate = try Data(contentsOf: ConformanceTests.root.appendingPathComponent("valid-root-key/certificate.json"))
        #expect(!BundleDocument.isBundle(Array(certificate)))
        #expect(!BundleDocument.isBundle(Array("not json".utf8)))
    }

    @Test("one verifier reused for every case (kept trust chains) reports what a fresh verifier per case does")
    func reusedVerifier() throws {
        let names = BundleConformanceTests.caseNames
        let byPin = Dictionary(grouping: try names.map { ($0, try Self.files($0)) }) { Data($0.1.trust + ($0.1.logKey ?? [])) }
        for (_, group) in byPin {
            let shared = BundleVerifier(pinned: group[0].1.trust, logKey: group[0].1.logKey)
            for (name, f) in group + group {
                let reused = shared.verify(bundle: f.bundle, text: f.text, at: f.at)
                #expect(reused.checks == f.swiftReport().checks, "\(name)")
            }
        }
    }

    /// Writes N distinct valid bundles (example keys, one certificate per text) for measuring batch
    /// verification: `GREENMARK_WRITE_BATCH_BUNDLES=/tmp/dir:600 swift test --filter BundleVerifierTests/writeBatch`;
    /// verify them with `--trust root-key.json` (written beside them) `--at 2026-01-21T00:00:00Z`.
    @Test("write a batch of bundles for measurement", .enabled(if: ProcessInfo.processInfo.environment["GREENMARK_WRITE_BATCH_BUNDLES"] != nil))
    func writeBatch() throws {
        let spec = ProcessInfo.processInfo.environment["GREENMARK_WRITE_BATCH_BUNDLES"]!.split(separator: ":")
        let dir = URL(fileURLWithPath: String(spec[0]))
        let count = spec.count > 1 ? Int(spec[1]) ?? 600 : 600
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let world = ConformanceWorld()
        let issuer = world.issuer(world.issuer1, endorsedFrom: world.t0)
        let v1 = world.json(world.v1)
        try Data(world.rootKeyFile(world.root1)).write(to: dir.appendingPathComponent("root-key.json.pin"))
        for i in 0..<count {
            let text = world.text + "\n\nCopy \(i) of the batch."
            let certificate = world.attest(issuer, at: world.t0 + 86_400 + Double(i), text: text)
            let bundle = try BundleDocument(certificate: certificate, text: text, digestOnly: false, trustedRoots: [v1])
            try Data(bundle.fileBytes()).write(to: dir.appendingPathComponent(String(format: "essay-%04d.bundle.json", i)))
        }
    }
}
