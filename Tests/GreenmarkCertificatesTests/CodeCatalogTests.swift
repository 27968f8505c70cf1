import Foundation
import GreenmarkCertificates
import Testing

/// `VerificationCode` is the one source of the verifier's check codes: the docs, the conformance
/// suite, `certs/verify.html` and the Python reference name exactly its cases (and the page, which
/// also checks log inclusion, the transparency log's `log.*` codes besides).
@Suite("Verifier check codes: one source")
struct CodeCatalogTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let conformanceREADME = ConformanceTests.sourceRoot.appendingPathComponent("README.md")
    static let codes = Set(VerificationCode.allCases.map(\.rawValue))

    /// Codes no conformance case exercises, with why (each is tested elsewhere).
    static let notInConformanceSuite: Set<String> = [
        "text.too_large",  // a 64 MiB text is not kept in the repository; CertificateCLITests and the page's tests build one
        "bundle.too_large",  // an 80 MiB bundle neither: BundleVerifierTests builds one
    ]

    /// The README section the conformance suite's index ends with (`ConformanceTests.regenerate` writes it).
    static var conformanceSection: String {
        "## Check codes\n\nEvery code a conforming verifier reports, in stage order (`VerificationCode` in "
            + "`Sources/GreenmarkCertificates/VerificationCode.swift`; meanings in `docs/certificate-format.md`, \"Verification\"):\n\n"
            + VerificationCode.allCases.map { "- `\($0.rawValue)`" }.joined(separator: "\n") + "\n"
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
    }

    /// Quoted string literals in `source` that look like check codes (`"trust.stale"`, `'log.key.invalid'`),
    /// file names (`"trust.json"`) aside.
    static func codeLiterals(in source: String) -> Set<String> {
        let pattern = /["']((?:bundle|trust|format|header|key|signature|statement|time|text|log)(?:\.[a-z_]+){1,2})["']/
        let files: Set<String> = ["json", "txt", "html", "md", "py"]
        return Set(source.matches(of: pattern).map { String($0.output.1) }.filter { !files.contains(String($0.split(separator: ".").last!)) })
    }

    @Test("docs/certificate-format.md's table of check codes lists exactly the VerificationCode cases")
    func formatDocTable() throws {
        let doc = try Self.text("docs/certificate-format.md")
        let table = try #require(doc.range(of: "| code | meaning |"))
        let rows = doc[table.upperBound...].split(separator: "\n").dropFirst().prefix { $0.hasPrefix("|") }
        let listed = rows.flatMap { $0.split(separator: "|").first.map { $0.matches(of: /`([a-z_.]+)`/).map { String($0.output.1) } } ?? [] }
        #expect(Set(listed) == Self.codes, "only in the doc: \(Set(listed).subtracting(Self.codes)); missing: \(Self.codes.subtracting(listed))")
        #expect(listed.count == Set(listed).count, "a code listed twice")
    }

    @Test("the conformance README ends with every VerificationCode case, and every failing code it names is one")
    func conformanceREADME() throws {
        let readme = try String(contentsOf: Self.conformanceREADME, encoding: .utf8)
        #expect(readme.hasSuffix(Self.conformanceSection), "GREENMARK_REGENERATE_CODE_CATALOG=1 swift test --filter CodeCatalogTests rewrites it")
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { $0.components(separatedBy: " | ") }
        let failing = Set(rows.compactMap { $0.count > 2 && $0[1] != "valid" ? $0[1].trimmingCharacters(in: ["`"]) : nil })
        #expect(rows.count == ConformanceTests.caseNames.count)
        #expect(failing.isSubset(of: Self.codes), "not a VerificationCode: \(failing.subtracting(Self.codes))")
    }

    @Test("the conformance cases exercise every VerificationCode but those listed as tested elsewhere")
    func conformanceCasesEmitEveryCode() throws {
        var seen: Set<String> = []
        let bundleCases = BundleConformanceTests.caseNames.map { "bundles/\($0)" }
        for name in ConformanceTests.caseNames + bundleCases {
            let data = try Data(contentsOf: ConformanceTests.root.appendingPathComponent("\(name)/expected.json"))
            let expected = try JSONDecoder().decode(ConformanceTests.Expected.self, from: data)
            seen.formUnion(expected.checks + (expected.code.map { [$0] } ?? []))
        }
        seen = seen.filter { !$0.hasPrefix("log.") }  // bundle cases with a log key: LogInclusionCheck's codes
        #expect(seen.isSubset(of: Self.codes), "not a VerificationCode: \(seen.subtracting(Self.codes))")
        #expect(Self.codes.subtracting(seen) == Self.notInConformanceSuite, "no case emits \(Self.codes.subtracting(seen))")
    }

    @Test("the Python reference uses exactly the VerificationCode strings and LogInclusionCheck's log.* codes")
    func pythonReference() throws {
        let directory = Self.repository.appendingPathComponent("python/greenmark_verify")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".py") }
        let used = try files.reduce(into: Set<String>()) {
            $0.formUnion(Self.codeLiterals(in: try String(contentsOf: directory.appendingPathComponent($1), encoding: .utf8)))
        }
        // Bundles with a log proof: the Python reference checks log inclusion too (LogInclusionCheck's log.* codes).
        let expected = Self.codes.union(Self.codeLiterals(in: try Self.text("Sources/GreenmarkTransparency/LogInclusionCheck.swift")))
        #expect(used == expected, "only in python/: \(used.subtracting(expected)); missing: \(expected.subtracting(used))")
    }

    @Test("certs/verify.html uses exactly the VerificationCode strings and LogInclusionCheck's log.* codes")
    func verifyPage() throws {
        let used = Self.codeLiterals(in: try Self.text("certs/verify.html"))
        let logCodes = Self.codeLiterals(in: try Self.text("Sources/GreenmarkTransparency/LogInclusionCheck.swift"))
        #expect(!logCodes.isEmpty && logCodes.allSatisfy { $0.hasPrefix("log.") })
        let expected = Self.codes.union(logCodes)
        #expect(used == expected, "only in the page: \(used.subtracting(expected)); missing: \(expected.subtracting(used))")
    }

    @Test(
        "regenerate the conformance README's code section",
        .enabled(if: ProcessInfo.processInfo.environment["GREENMARK_REGENERATE_CODE_CATALOG"] == "1"))
    func regenerate() throws {
        let readme = try String(contentsOf: Self.conformanceREADME, encoding: .utf8)
        var index = readme.range(of: "\n## Check codes\n").map { String(readme[..<$0.lowerBound]) } ?? readme
        while index.hasSuffix("\n") { index.removeLast() }
        try Data((index + "\n\n" + Self.conformanceSection).utf8).write(to: Self.conformanceREADME)
    }
}
