import Foundation
import GreenmarkCrypto

/// The essay checking page served at `/`, built from `Resources/web/essay.html`, `essay.css` and
/// `essay.js` (what the page does is described at the top of `essay.html`).
///
/// The three files are kept apart so that they can be linted (Biome, `WebLintTests`) and read as
/// what they are; the daemon serves them as one self-contained document so that the page needs no
/// second request and works on an air-gapped network. `assemble` puts the stylesheet and the
/// script inline in place of the `<link>` and `<script src>` that name them, and replaces
/// `script-src 'self'` and `style-src 'self'` in the page's Content-Security-Policy by the
/// SHA-256 hashes of exactly those inline blocks: the browser runs that script and applies that
/// stylesheet and nothing else (no `'unsafe-inline'`). The header sent with the page is the same
/// policy as the page's `<meta>`.
enum EssayPage {
    /// The assembled page, read from the resource bundle once (the router reads it when it is built).
    static let page: WebPage = {
        do throws(AssemblyError) {
            return try assemble(html: WebPage.resource("essay.html"), css: WebPage.resource("essay.css"), js: WebPage.resource("essay.js"))
        } catch {
            fatalError("greenmarkd: the essay page in the resource bundle is malformed: \(error.reason)")
        }
    }()

    /// Why the page files cannot be assembled.
    struct AssemblyError: Error {
        let reason: String
    }

    static let linkTag = #"<link rel="stylesheet" href="essay.css">"#
    static let scriptTag = #"<script src="essay.js"></script>"#
    static let selfSources = "script-src 'self'; style-src 'self'"

    /// One document from the three files, with a hash-based Content-Security-Policy.
    static func assemble(html: [UInt8], css: [UInt8], js: [UInt8]) throws(AssemblyError) -> WebPage {
        let document = String(decoding: html, as: UTF8.self)
        let style = String(decoding: css, as: UTF8.self)
        let script = String(decoding: js, as: UTF8.self)
        // An inline block ends at the first `</style` or `</script`, whatever the file means by it.
        guard !style.lowercased().contains("</style"), !script.lowercased().contains("</script") else {
            throw AssemblyError(reason: "essay.css or essay.js contains its own closing tag")
        }
        let sources = "script-src '\(sha256Source(js))'; style-src '\(sha256Source(css))'"
        var page = try replacingOnce(linkTag, with: "<style>" + style + "</style>", in: document)
        page = try replacingOnce(scriptTag, with: "<script>" + script + "</script>", in: page)
        let metaStart = #"<meta http-equiv="Content-Security-Policy" content=""#
        guard let start = page.range(of: metaStart), let end = page.range(of: "\"", range: start.upperBound..<page.endIndex) else {
            throw AssemblyError(reason: "essay.html has no Content-Security-Policy <meta>")
        }
        let policy = try replacingOnce(selfSources, with: sources, in: String(page[start.upperBound..<end.lowerBound]))
        page.replaceSubrange(start.upperBound..<end.lowerBound, with: policy)
        return WebPage(html: Array(page.utf8), contentSecurityPolicy: policy)
    }

    /// A CSP hash source for an inline block: `sha256-` and the base64 of the SHA-256 of its bytes.
    static func sha256Source(_ bytes: [UInt8]) -> String {
        "sha256-" + Data(SHA256Digest.hash(bytes)).base64EncodedString()
    }

    static func replacingOnce(_ target: String, with replacement: String, in text: String) throws(AssemblyError) -> String {
        let parts = text.components(separatedBy: target)
        guard parts.count == 2 else { throw AssemblyError(reason: "essay.html must hold \(target) exactly once") }
        return parts[0] + replacement + parts[1]
    }
}
