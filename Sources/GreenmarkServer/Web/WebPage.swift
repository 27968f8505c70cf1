import Foundation
import GreenmarkCrypto
import HTTPTypes
import Hummingbird

/// A page greenmarkd serves: one self-contained HTML document and the Content-Security-Policy
/// header sent with it. Pages are read from the server's resource bundle
/// (`greenmark_GreenmarkServer.resources`, next to the binary) once, when the router is built.
struct WebPage: Sendable {
    /// The document, byte for byte as served.
    let html: [UInt8]
    /// The `Content-Security-Policy` header value.
    let contentSecurityPolicy: String

    /// The response for `GET`: the document, its CSP, no caching without revalidation, no sniffing, no referrer.
    func response() -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: contentSecurityPolicy,
                .cacheControl: "no-cache",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                HTTPField.Name("Referrer-Policy")!: "no-referrer",
            ], body: .init(byteBuffer: ByteBuffer(bytes: html)))
    }

    /// The CSP hash sources (`'sha256-…'`) of every inline `<tag>…</tag>` block of `html` (tag
    /// written exactly so, without attributes), in document order: a policy naming them lets the
    /// browser run or apply exactly those blocks and nothing else.
    static func inlineHashSources(_ tag: String, in html: String) -> [String] {
        var sources: [String] = []
        var rest = html[...]
        while let open = rest.range(of: "<\(tag)>"), let close = rest.range(of: "</\(tag)>", range: open.upperBound..<rest.endIndex) {
            let block = Array(rest[open.upperBound..<close.lowerBound].utf8)
            sources.append("'sha256-" + Data(SHA256Digest.hash(block)).base64EncodedString() + "'")
            rest = rest[close.upperBound...]
        }
        return sources
    }

    /// The bytes of the resource `name` (for example `essay.js`) in the server's resource bundle.
    /// A missing file means a broken installation (the bundle was not copied next to the binary), so
    /// the daemon stops at start-up with a message naming the file instead of serving a blank page.
    static func resource(_ name: String) -> [UInt8] {
        let url = Bundle.module.resourceURL?.appendingPathComponent(name)
        guard let url, let data = FileManager.default.contents(atPath: url.path) else {
            fatalError("greenmarkd: \(name) is missing from its resource bundle (\(Bundle.module.bundlePath))")
        }
        return Array(data)
    }
}
