import Foundation
import GreenmarkCertificates
import Testing

/// The provenance-bundle cases of the conformance suite (`Fixtures/conformance/bundles/`), written
/// by `ConformanceTests.regenerate` from `ConformanceWorld.bundleCases()` and checked here against
/// the Swift `BundleVerifier` (the page and the Python reference: `BrowserVerifierTests+Bundles`,
/// `ThirdPartyVerificationTests+Bundles`).
@Suite("Provenance-bundle conformance suite")
struct BundleConformanceTests {
    static let root = ConformanceTests.root.appendingPathComponent("bundles")
    static let sourceRoot = ConformanceTests.sourceRoot.appendingPathComponent("bundles")

    static var caseNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }

    /// The files of one case.
    struct Files {
        let bundle: [UInt8], trust: [UInt8], text: [UInt8]?, logKey: [UInt8]?
        let expected: ConformanceTests.Expected

        init(_ dir: URL) throws {
            func bytes(_ file: String) throws -> [UInt8] { Array(try Data(contentsOf: dir.appendingPathComponent(file))) }
            func optional(_ file: String) throws -> [UInt8]? {
                FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path) ? try bytes(file) : nil
            }
            bundle = try bytes("bundle.json")
            trust = try bytes("trust.json")
            text = try optional("text.txt")
            logKey = try optional("log-key.json")
            expected = try JSONDecoder().decode(ConformanceTests.Expected.self, from: Data(try bytes("expected.json")))
        }

        init(name: String) throws { try self.init(BundleConformanceTests.root.appendingPathComponent(name)) }

        var at: Date { Timestamp.parse(expected.at) ?? Date() }

        /// The Swift verifier's report for this case.
        func swiftReport() -> VerificationReport {
            BundleVerifier(pinned: trust, minimumVersion: expected.minTrustVersion, logKey: logKey).verify(bundle: bundle, text: text, at: at)
        }
    }

    @Test("at least 30 bundle cases, positive and negative, each with a README and a line in bundles/README.md")
    func suiteShape() throws {
        let names = Self.caseNames
        let expectations = try names.map { try Files(name: $0).expected }
        #expect(expectations.count { $0.status == "valid" } >= 5)
        #expect(expectations.count { $0.status == "invalid" } >= 25)
        let index = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        for name in names {
            #expect(index.contains("| `\(name)` |"), "\(name) has no line in bundles/README.md")
            let readme = try String(contentsOf: Self.root.appendingPathComponent("\(name)/README"), encoding: .utf8)
            #expect(!readme.isEmpty)
        }
    }

    @Test("every bundle case verifies (Swift BundleVerifier) to exactly its expected checks", arguments: caseNames)
    func conformance(name: String) throws {
        let files = try Files(name: name)
        let report = files.swiftReport()
        #expect(report.status.rawValue == files.expected.status, "\(name): \(report.failures)")
        #expect(report.checks.map(\.code) == files.expected.checks, "\(name)")
        #expect(report.failures == (files.expected.code.map { [$0] } ?? []), "\(name)")
        #expect((report.statement != nil) == (report.status == .valid), "\(name)")
    }

    @Test("the generator's cases are the fixtures (names and expected checks)")
    func generatorMatchesFixtures() throws {
        let cases = ConformanceWorld().bundleCases()
        #expect(cases.map(\.name).sorted() == Self.caseNames)
        for c in cases {
            let expected = try Files(name: c.name).expected
            #expect(expected.checks == c.expectedChecks, "\(c.name)")
            #expect(expected.code == c.code, "\(c.name)")
        }
    }

    /// Writes `bundles/`: new cases only, or every case with `all` (`ConformanceTests.regenerate`).
    static func write(world: ConformanceWorld, all: Bool) throws {
        let fm = FileManager.default
        let cases = world.bundleCases()
        if all { try? fm.removeItem(at: sourceRoot) }
        try fm.createDirectory(at: sourceRoot, withIntermediateDirectories: true)
        for old in try fm.contentsOfDirectory(atPath: sourceRoot.path) where old != "README.md" && !cases.contains(where: { $0.name == old }) {
            try fm.removeItem(at: sourceRoot.appendingPathComponent(old))
        }
        let negatives = cases.count { !$0.valid }
        let positives = cases.count { $0.valid }
        var index =
            "# Provenance-bundle conformance cases\n\nGenerated with the certificate cases (`ConformanceCases+Bundles.swift`). "
            + "\(cases.count) cases: \(negatives) negative and \(positives) positive. Each directory holds `bundle.json`, `trust.json` "
            + "(the verifier's pin), optionally `text.txt` (a text the verifier supplies, `--text`) and `log-key.json` (the log key "
            + "the verifier pins, `--log-key`), and `expected.json` (as for the certificate cases). Every case is verified as a bundle "
            + "(the verifier is told so: `greenmark verify --bundle`, the page's bundle input, `greenmark-verify --bundle`), so a file "
            + "that is not a well-formed bundle is `bundle.invalid`, never read as a certificate. Every verifier must report exactly "
            + "the listed checks: `BundleConformanceTests` (Swift), `BrowserVerifierTests` (`certs/verify.html`) and "
            + "`ThirdPartyVerificationTests` (the Python reference). `bundle.too_large` (over 80 MiB) is tested without a fixture.\n\n"
            + "| case | expected | why |\n|---|---|---|\n"
        for c in cases {
            index += "| `\(c.name)` | \(c.valid ? "valid" : "`\(c.code!)`") | \(c.why) |\n"
            let dir = sourceRoot.appendingPathComponent(c.name)
            if !all, fm.fileExists(atPath: dir.path) { continue }
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(c.bundle).write(to: dir.appendingPathComponent("bundle.json"))
            try Data(c.trust).write(to: dir.appendingPathComponent("trust.json"))
            if let text = c.text { try Data(text).write(to: dir.appendingPathComponent("text.txt")) }
            if let key = c.logKey { try Data(key).write(to: dir.appendingPathComponent("log-key.json")) }
            try Data((c.why + "\n").utf8).write(to: dir.appendingPathComponent("README"))
            let roots = (try? BundleDocument.read(c.bundle).get().trustedRoots) ?? []
            let at =
                c.at
                ?? world.defaultTime(
                    for: ConformanceCase(
                        name: c.name, why: c.why, certificate: [], text: [], trust: c.trust,
                        updates: roots, valid: c.valid))
            let expected = ConformanceTests.Expected(
                status: c.valid ? "valid" : "invalid", code: c.code, checks: c.expectedChecks,
                at: Timestamp.format(at), minTrustVersion: nil)
            try Data(world.json(expected)).write(to: dir.appendingPathComponent("expected.json"))
        }
        try Data(index.utf8).write(to: sourceRoot.appendingPathComponent("README.md"))
    }
}
