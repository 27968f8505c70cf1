import Foundation
import GreenmarkCertificates
import Testing

/// The conformance suite in `Fixtures/conformance`: one directory per case (certificate.json,
/// text.txt, trust.json, optional trust-update-N.json, README, expected.json).
@Suite("Certificate conformance suite")
struct ConformanceTests {
    static let root = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/conformance")
    static let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/conformance")

    struct Expected: Codable {
        let status: String
        let code: String?
        /// Every check code a conforming verifier reports, in order.
        let checks: [String]
        /// The verification time (RFC 3339).
        let at: String
        let minTrustVersion: Int?

        enum CodingKeys: String, CodingKey {
            case status, code, checks, at
            case minTrustVersion = "min_trust_version"
        }
    }

    static var caseNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter {
            !$0.hasPrefix(".") && $0 != "README.md" && $0 != "bundles"
        }.sorted()
    }

    @Test("the suite has at least 100 negative and 15 positive cases, each with a README line and a line in README.md")
    func suiteShape() throws {
        let expectations = try Self.caseNames.map { name in
            try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.root.appendingPathComponent("\(name)/expected.json")))
        }
        let negatives = expectations.count { $0.status == "invalid" }
        let positives = expectations.count { $0.status == "valid" }
        #expect(negatives >= 100)
        #expect(positives >= 15)
        #expect(expectations.allSatisfy { ($0.status == "invalid") == ($0.code != nil) })
        let index = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(index.contains("\(negatives) negative and \(positives) positive cases"))
        for name in Self.caseNames {
            let readme = try String(contentsOf: Self.root.appendingPathComponent("\(name)/README"), encoding: .utf8)
            #expect(!readme.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(name)")
            #expect(index.contains("| `\(name)` |"), "\(name) has no line in README.md")
        }
    }

    @Test("every case verifies to its expected status and code", arguments: caseNames)
    func conformance(name: String) throws {
        let dir = Self.root.appendingPathComponent(name)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        func bytes(_ file: String) throws -> [UInt8] { Array(try Data(contentsOf: dir.appendingPathComponent(file))) }
        var updates: [[UInt8]] = []
        var n = 1
        while FileManager.default.fileExists(atPath: dir.appendingPathComponent("trust-update-\(n).json").path) {
            updates.append(try bytes("trust-update-\(n).json"))
            n += 1
        }
        let at = try #require(Timestamp.parse(expected.at))
        let loaded = TrustAnchor.load(pinned: try bytes("trust.json"), updates: updates, minimumVersion: expected.minTrustVersion, at: at)
        var failures = loaded.checks.filter { !$0.passed }.map(\.code)
        var checks = loaded.checks.map(\.code)
        var status = "invalid"
        if let anchor = loaded.anchor {
            let report = CertificateVerifier(anchor: anchor).verify(certificate: try bytes("certificate.json"), text: try bytes("text.txt"), at: at)
            failures += report.failures
            checks += report.checks.map(\.code)
            status = report.status.rawValue
        }
        #expect(status == expected.status, "\(name): \(failures)")
        #expect(checks == expected.checks, "\(name)")
        if let code = expected.code {
            // Exactly that failure: the case must not fail earlier, for another reason.
            #expect(failures == [code], "\(name): expected only \(code), got \(failures)")
        } else {
            #expect(failures.isEmpty, "\(name): \(failures)")
        }
    }

    /// Writes the suite from `ConformanceWorld`. Certificate ids are random, so by default
    /// (`GREENMARK_REGENERATE_CONFORMANCE=1 swift test --filter regenerate`) only cases without a
    /// directory are written, existing ones are kept byte for byte, directories of removed cases
    /// are deleted and the index is rewritten; `GREENMARK_REGENERATE_CONFORMANCE=all` rewrites every
    /// case and `certs/examples`.
    @Test("regenerate the suite", .enabled(if: ["1", "all"].contains(ProcessInfo.processInfo.environment["GREENMARK_REGENERATE_CONFORMANCE"] ?? "")))
    func regenerate() throws {
        let world = ConformanceWorld()
        let fm = FileManager.default
        let all = ProcessInfo.processInfo.environment["GREENMARK_REGENERATE_CONFORMANCE"] == "all"
        let cases = world.cases()
        if all { try? fm.removeItem(at: Self.sourceRoot) }
        try fm.createDirectory(at: Self.sourceRoot, withIntermediateDirectories: true)
        for old in try fm.contentsOfDirectory(atPath: Self.sourceRoot.path)
        where old != "README.md" && old != "bundles" && !cases.contains(where: { $0.name == old }) {
            try fm.removeItem(at: Self.sourceRoot.appendingPathComponent(old))
        }
        let negatives = cases.count { !$0.valid }
        let positives = cases.count { $0.valid }
        var index =
            "# Certificate conformance suite\n\nGenerated by `GREENMARK_REGENERATE_CONFORMANCE=1 swift test --filter regenerate` from `ConformanceWorld.swift` (example keys only; `=all` rewrites existing cases too).\n\n\(cases.count) cases: \(negatives) negative and \(positives) positive cases. Each case directory holds `certificate.json`, `text.txt`, `trust.json` (the pin), `trust-update-N.json` (more trusted-root documents; their order does not matter) and `expected.json` (`status`, the failing `code`, the full list of `checks` a conforming verifier reports, the verification time `at` and, when set, `min_trust_version`). Every verifier must report exactly those checks: `ConformanceTests` (Swift), `BrowserVerifierTests` (`certs/verify.html` in headless Chromium) and `ThirdPartyVerificationTests` (the Python reference in `python/`). Provenance-bundle cases are in `bundles/` (index: `bundles/README.md`).\n\n| case | expected | why |\n|---|---|---|\n"
        for c in cases {
            let dir = Self.sourceRoot.appendingPathComponent(c.name)
            index += "| `\(c.name)` | \(c.valid ? "valid" : "`\(c.code!)`") | \(c.why) |\n"
            if !all, fm.fileExists(atPath: dir.path) { continue }
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(c.certificate).write(to: dir.appendingPathComponent("certificate.json"))
            try Data(c.text).write(to: dir.appendingPathComponent("text.txt"))
            try Data(c.trust).write(to: dir.appendingPathComponent("trust.json"))
            for (i, u) in c.updates.enumerated() { try Data(u).write(to: dir.appendingPathComponent("trust-update-\(i + 1).json")) }
            try Data((c.why + "\n").utf8).write(to: dir.appendingPathComponent("README"))
            let expected = world.json(
                Expected(
                    status: c.valid ? "valid" : "invalid", code: c.code, checks: ConformanceWorld.expectedChecks(failing: c.code),
                    at: Timestamp.format(c.at ?? world.defaultTime(for: c)), minTrustVersion: c.minTrustVersion))
            try Data(expected).write(to: dir.appendingPathComponent("expected.json"))
        }
        index += "\n" + CodeCatalogTests.conformanceSection
        try Data(index.utf8).write(to: Self.sourceRoot.appendingPathComponent("README.md"))
        try BundleConformanceTests.write(world: world, all: all)
        guard all else { return }

        // certs/examples: a detection attestation, a receipt, the text and the trust files.
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("certs/examples")
        try fm.createDirectory(at: examples, withIntermediateDirectories: true)
        let i1 = world.issuer(world.issuer1, endorsedFrom: world.t0)
        try Data(world.json(world.attest(i1, at: world.t0 + 86_400))).write(to: examples.appendingPathComponent("detection-attestation.json"))
        try Data(world.json(world.receipt(i1, at: world.t0 + 2 * 86_400))).write(to: examples.appendingPathComponent("generation-receipt.json"))
        try Data(world.text.utf8).write(to: examples.appendingPathComponent("text.txt"))
        try Data(world.rootKeyFile(world.root1)).write(to: examples.appendingPathComponent("root-key.json"))
        for (n, root) in [world.v1, world.v2, world.v3, world.v4].enumerated() {
            try Data(world.json(root)).write(to: examples.appendingPathComponent("trusted-root-v\(n + 1).json"))
        }
    }
}
