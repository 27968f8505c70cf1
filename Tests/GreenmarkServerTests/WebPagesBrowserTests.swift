import Foundation
import GreenmarkServer
import Testing

/// Both pages served by the real daemon, in headless Chromium (Selenium with Debian's
/// chromium-driver): under the Content-Security-Policy greenmarkd sends, each page's own inline
/// script runs and its own stylesheet applies with nothing refused, and a script injected after
/// load is refused. Needs chromium, chromium-driver and selenium (`scripts/bootstrap.sh`); in CI
/// (`CI` set) a missing piece fails the test.
@Suite("greenmarkd web pages under their CSP in headless Chromium", .serialized)
struct WebPagesBrowserTests {
    struct Loaded: Decodable {
        let script: String
        let style: String
        let load_log: [String]
        let injected_ran: Bool
        let inject_log: [String]
    }

    @Test(
        "/ and /verify: their script runs and their stylesheet applies with no CSP report; an injected script is refused",
        .enabled(
            if: EssayPageBrowserTests.enabled,
            "needs chromium, chromium-driver and selenium (scripts/bootstrap.sh); always runs when CI is set"))
    func policies() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation"],
            environment: [:], port: port)
        #expect(await daemon.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start: \(daemon.log)")

        let run = try await PythonFixture.run("web_pages_check.py", [daemon.baseURL])
        let (outData, stderr) = (run.stdout, run.stderr)
        #expect(run.status == 0, "web_pages_check.py failed: \(stderr)")
        let pages = try JSONDecoder().decode([String: Loaded].self, from: outData)

        let essay = try #require(pages["/"])
        let verify = try #require(pages["/verify"])
        #expect(essay.script == "function", "essay.js did not run")
        #expect(essay.style == "980px", "essay.css was not applied")
        #expect(verify.script == "object", "verify.html's script did not run")
        #expect(verify.style == "0px", "verify.html's stylesheet was not applied")
        for (path, page) in pages {
            #expect(!page.load_log.contains { $0.contains("Content Security Policy") }, "\(path): \(page.load_log)")
            // The policy is enforced: a script the page did not ship is refused, and the browser says why.
            #expect(!page.injected_ran, "\(path): an injected inline script ran")
            #expect(page.inject_log.contains { $0.contains("Content Security Policy") }, "\(path): \(page.inject_log)")
        }
    }
}
