import Foundation
import GreenmarkCertificates
import Testing

/// The Python reference (`greenmark-verify`) on every provenance-bundle case: the same status,
/// exit code and exactly the check list of `expected.json` and of the Swift `BundleVerifier`.
extension ThirdPartyVerificationTests {
    @Test("greenmark-verify reports exactly the expected checks on every bundle case", arguments: BundleConformanceTests.caseNames)
    func bundleConformance(name: String) throws {
        let command = try #require(Self.command, "greenmark-verify is not installed: run scripts/bootstrap.sh")
        let dir = BundleConformanceTests.root.appendingPathComponent(name)
        let files = try BundleConformanceTests.Files(dir)
        var args = [dir.appendingPathComponent("bundle.json").path, "--bundle", "--trust", dir.appendingPathComponent("trust.json").path]
        if files.text != nil { args += ["--text", dir.appendingPathComponent("text.txt").path] }
        if files.logKey != nil { args += ["--log-key", dir.appendingPathComponent("log-key.json").path] }
        let result = try Self.run(command, args + ["--at", files.expected.at, "--json"])
        let output = try #require(
            try? JSONDecoder().decode(Output.self, from: result.stdout),
            "\(name): no JSON report (exit \(result.status)): \(result.stderr)")
        let codes = output.checks.map(\.code)
        #expect(output.status == files.expected.status, "\(name): \(output.checks.map { "\($0.code): \($0.detail)" })")
        #expect(codes == files.expected.checks, "\(name): Python \(codes), expected \(files.expected.checks)")
        #expect(result.status == (files.expected.status == "valid" ? 0 : 1), "\(name): exit \(result.status)")
        #expect(files.swiftReport().checks.map(\.code) == codes, "\(name): Swift and Python differ")
    }
}
