import Foundation
import GreenmarkCertificates
import Testing

/// `certs/verify.html` on every provenance-bundle case (`GreenmarkVerify.verify({bundle, text, trust,
/// logKey, at})` in headless Chromium): the same status and exactly the check list of
/// `expected.json` and of the Swift `BundleVerifier`, and a bundle over 80 MiB is refused unread.
extension BrowserVerifierTests {
    /// One harness run for every bundle case.
    static let bundleRun = Task { () throws -> [String: Browser.Report] in
        var cases: [[String: Any]] = []
        for name in BundleConformanceTests.caseNames {
            let f = try BundleConformanceTests.Files(name: name)
            cases.append([
                "name": name, "bundle": Data(f.bundle).base64EncodedString(),
                "text": f.text.map { Data($0).base64EncodedString() } ?? NSNull(),
                "trust": Data(f.trust).base64EncodedString(), "logKey": f.logKey.map { Data($0).base64EncodedString() } ?? NSNull(),
                "at": f.expected.at,
            ])
        }
        let output = try Browser.run(
            harness: bytesJS + """
                const out = {};
                for (const c of \(try json(cases))) {
                  try {
                    out[c.name] = await GreenmarkVerify.verify({bundle: b(c.bundle), text: b(c.text), trust: b(c.trust), logKey: b(c.logKey), at: c.at});
                  } catch (e) { out[c.name] = {valid: false, checks: [], error: String(e && e.message || e)}; }
                }
                const big = new Blob([new Uint8Array(80 * 1024 * 1024 + 1)]);
                out["(80 MiB + 1)"] = await GreenmarkVerify.verify({bundle: big, trust: "{}"});
                return out;
                """)
        return try JSONDecoder().decode([String: Browser.Report].self, from: output)
    }

    @Test(
        "every bundle case: the page's status and check list equal expected.json's and the Swift BundleVerifier's",
        arguments: BundleConformanceTests.caseNames)
    func bundleConformance(name: String) async throws {
        let results = try await Self.bundleRun.value
        let browser = try #require(results[name], "\(name): no browser result")
        let files = try BundleConformanceTests.Files(name: name)
        #expect(browser.error == nil, "\(name): the page threw: \(browser.error ?? "")")
        #expect(browser.valid == (files.expected.status == "valid"), "\(name): page \(browser.summary)")
        #expect(browser.checks.map(\.code) == files.expected.checks, "\(name): page \(browser.summary), expected \(files.expected.checks)")
        #expect(browser.failures == (files.expected.code.map { [$0] } ?? []), "\(name)")
        #expect((browser.subject != nil) == browser.valid, "\(name): a subject is shown exactly when valid")
        let swift = files.swiftReport().checks.map { "\($0.passed ? "ok" : "FAIL") \($0.code)" }
        #expect(browser.checks.map(\.outcome) == swift, "\(name): page \(browser.checks.map(\.outcome)), Swift \(swift)")
    }

    @Test("a bundle over 80 MiB is bundle.too_large in the page too")
    func bundleTooLarge() async throws {
        let results = try await Self.bundleRun.value
        let report = try #require(results["(80 MiB + 1)"])
        #expect(report.checks.map(\.code) == ["bundle.too_large"])
        #expect(Set(results.keys) == Set(BundleConformanceTests.caseNames + ["(80 MiB + 1)"]))
    }
}
