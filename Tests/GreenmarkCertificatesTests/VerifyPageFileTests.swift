import Foundation
import Testing

/// verify.html as a file: checked without a browser, so it also runs with GREENMARK_SKIP_BROWSER=1.
@Suite("verify.html is one self-contained file")
struct VerifyPageFileTests {
    @Test("the page is one file with no external reference and a CSP that forbids loads")
    func noExternalReferences() throws {
        let html = try String(contentsOf: BrowserVerifierTests.page, encoding: .utf8)
        let csp = try #require(html.firstMatch(of: /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)?.output.1)
        let directives = Set(csp.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(directives.isSuperset(of: ["default-src 'none'", "script-src 'unsafe-inline'", "style-src 'unsafe-inline'"]))
        #expect(!directives.contains { $0.hasPrefix("connect-src") || $0.hasPrefix("img-src") || $0.hasPrefix("font-src") })
        // No loads of any kind: src/href/url()/@import/srcset pointing anywhere, no <link>, <iframe>, <object>, <embed>.
        #expect(
            html.firstMatch(of: /(?i)\s(src|href|srcset|action|formaction|poster|data|background)\s*=\s*["']/) == nil,
            "an attribute that loads something")
        #expect(html.firstMatch(of: /(?i)\burl\s*\(|@import/) == nil, "a CSS load")
        #expect(
            html.firstMatch(of: /(?i)<(link|iframe|frame|object|embed|img|audio|video|source|track|base|meta\s+http-equiv="refresh")\b/) == nil,
            "an element that loads something")
        #expect(
            html.firstMatch(of: /(?i)\b(fetch|XMLHttpRequest|WebSocket|EventSource|importScripts|sendBeacon|Worker)\s*\(/) == nil,
            "a network API call")
        let urls = html.matches(of: /https?:\/\/[^\s"'<>)]+/).map { String($0.output) }
        // The only URLs are identifiers inside signed content (in-toto and Greenmark type URIs), never loaded.
        #expect(urls.allSatisfy { $0.hasPrefix("https://in-toto.io/Statement/") || $0.hasPrefix("https://greenmark.dev/attestation/") }, "\(urls)")
    }

    @Test("the page's Unicode 14.0 table equals docs/test-vectors/unicode-14.0-assigned.txt (scripts/verify_page_unicode_table.py writes it)")
    func unicodeTable() throws {
        let file = try UnicodeTable.file()
        let page = try UnicodeTable.page()
        #expect(file.count > 600)
        #expect(page.count == file.count, "page \(page.count) ranges, file \(file.count)")
        #expect(
            page.map(\.0) == file.map(\.0) && page.map(\.1) == file.map(\.1),
            "the page's table differs from the file: run scripts/verify_page_unicode_table.py")
    }
}
