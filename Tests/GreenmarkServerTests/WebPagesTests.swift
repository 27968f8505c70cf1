import Foundation
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

    @Test("/ and /verify are public, self-contained HTML; /verify is certs/verify.html exactly")
    func pages() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let verifyFile = try String(contentsOf: Self.root.appendingPathComponent("certs/verify.html"), encoding: .utf8)
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
                    if path == "/verify" { #expect(html == verifyFile) }
                }
            }
        }
    }
}
