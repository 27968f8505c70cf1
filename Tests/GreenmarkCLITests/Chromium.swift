import Foundation

/// Debian's headless Chromium, for checking pages in a real browser. `scripts/bootstrap.sh`
/// installs it; screenshots go to `artifacts/` (not in git).
enum Chromium {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "chromium is not installed (run scripts/bootstrap.sh)" }
    }

    static var executable: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("artifacts")

    /// The DOM after the page's scripts ran.
    static func dumpDOM(url: URL, budgetMilliseconds: Int = 3000) throws -> String {
        try run(["--virtual-time-budget=\(budgetMilliseconds)", "--dump-dom", url.absoluteString])
    }

    /// A PNG of the page in `artifacts/name`.
    static func screenshot(url: URL, to name: String, width: Int = 1100, height: Int = 1400) throws {
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        _ = try run([
            "--screenshot=\(artifacts.appendingPathComponent(name).path)", "--window-size=\(width),\(height)",
            "--virtual-time-budget=3000", url.absoluteString,
        ])
    }

    private static func run(_ arguments: [String]) throws -> String {
        guard let executable else { throw Missing() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir=" + FileManager.default.temporaryDirectory.appendingPathComponent("gm-chromium-\(UUID().uuidString)").path,
            ]
            + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
