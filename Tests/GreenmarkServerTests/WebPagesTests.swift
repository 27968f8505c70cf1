import Foundation
import GreenmarkCrypto
import GreenmarkServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The pages over real HTTP: served as self-contained HTML with a strict Content-Security-Policy,
/// public (no token), and `/verify` byte-identical to `certs/verify.html`.
@Suite("greenmarkd web pages (live server on loopback)", .serialized)
struct WebPagesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let web = root.appendingPathComponent("Sources/GreenmarkServer/Resources/web")

    @Test("/ and /verify are public, self-contained HTML; /verify is certs/verify.html exactly")
    func pages() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let verifyBytes = try Data(contentsOf: Self.root.appendingPathComponent("certs/verify.html"))
        let verifyFile = try #require(String(data: verifyBytes, encoding: .utf8))
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            for (path, marker) in [("/", "Check essays for the Greenmark watermark"), ("/verify", "GreenmarkVerify")] {
                try await client.execute(uri: path, method: .get) { r in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                    let html = String(buffer: r.body)
                    #expect(html.contains(marker))
                    #expect(html.contains("Content-Security-Policy"))
                    // No external asset of any kind.
                    for external in ["src=\"http", "href=\"http", "src='http", "@import", "url(http"] {
                        #expect(!html.contains(external), "\(path) loads \(external)")
                    }
                    if path == "/verify" {
                        #expect(html == verifyFile)
                        #expect(Data(r.body.readableBytesView) == verifyBytes, "GET /verify is not the bytes of certs/verify.html")
                    }
                }
            }
        }
    }

    @Test("/ is essay.html with essay.css and essay.js inline, and a CSP that allows exactly those two blocks by hash (no 'unsafe-inline')")
    func essayPolicy() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let css = try Data(contentsOf: Self.web.appendingPathComponent("essay.css"))
        let js = try Data(contentsOf: Self.web.appendingPathComponent("essay.js"))
        let source = try String(contentsOf: Self.web.appendingPathComponent("essay.html"), encoding: .utf8)
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            try await client.execute(uri: "/", method: .get) { r in
                let html = String(buffer: r.body)
                let header = try #require(r.headers[.contentSecurityPolicy])
                let meta = try #require(html.firstMatch(of: /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)?.output.1)
                #expect(String(meta) == header, "the header and the page's <meta> differ")
                #expect(!header.contains("unsafe-inline") && !header.contains("'self'; style-src 'self'"), "\(header)")
                let directives = Set(header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
                func hashSource(_ bytes: Data) -> String { "'sha256-" + Data(SHA256Digest.hash(Array(bytes))).base64EncodedString() + "'" }
                #expect(directives.contains("default-src 'none'"))
                #expect(directives.contains("script-src \(hashSource(js))"), "\(directives)")
                #expect(directives.contains("style-src \(hashSource(css))"), "\(directives)")
                #expect(directives.contains("connect-src 'self' blob:"))
                // The files inline, byte for byte, where the source page names them; nothing else inline or loaded.
                #expect(html.contains("<style>" + String(decoding: css, as: UTF8.self) + "</style>"))
                #expect(html.contains("<script>" + String(decoding: js, as: UTF8.self) + "</script>"))
                #expect(html.matches(of: /<script/).count == 1 && html.matches(of: /<style/).count == 1)
                #expect(!html.contains("<link") && !html.contains("src=\"essay.js\"") && !html.contains(" style=\""))
                // Everything else is essay.html as written.
                let written = try #require(source.firstMatch(of: /Content-Security-Policy" content="([^"]*)"/)?.output.1)
                let rest =
                    html
                    .replacingOccurrences(
                        of: "<style>" + String(decoding: css, as: UTF8.self) + "</style>",
                        with: #"<link rel="stylesheet" href="essay.css">"#
                    )
                    .replacingOccurrences(
                        of: "<script>" + String(decoding: js, as: UTF8.self) + "</script>",
                        with: #"<script src="essay.js"></script>"#
                    )
                    .replacingOccurrences(of: header, with: String(written))
                #expect(rest == source)
            }
        }
    }

    @Test("/verify's header allows exactly certs/verify.html's inline script and stylesheet, by hash")
    func verifyPolicy() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let file = try String(contentsOf: Self.root.appendingPathComponent("certs/verify.html"), encoding: .utf8)
        func hashSource(_ block: Substring) -> String { "'sha256-" + Data(SHA256Digest.hash(Array(block.utf8))).base64EncodedString() + "'" }
        let script = try #require(file.firstMatch(of: /<script>(.*?)<\/script>/.dotMatchesNewlines())?.output.1)
        let style = try #require(file.firstMatch(of: /<style>(.*?)<\/style>/.dotMatchesNewlines())?.output.1)
        #expect(file.matches(of: /<script/).count == 1 && file.matches(of: /<style/).count == 1)
        let expected: Set<String> = [
            "default-src 'none'", "script-src \(hashSource(script))", "style-src \(hashSource(style))",
            "img-src data:", "connect-src 'none'",
        ]
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            try await client.execute(uri: "/verify", method: .get) { r in
                let header = try #require(r.headers[.contentSecurityPolicy])
                let directives = Set(header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
                #expect(directives == expected, "\(directives)")
            }
        }
    }
}
