/// The offline certificate checker served at `/verify`: `certs/verify.html` byte for byte (the
/// `VerifyPageResource` build plugin copies it into the server's resources; nothing in the source
/// tree duplicates it).
///
/// The file carries its own `<meta>` policy, `script-src 'unsafe-inline'; style-src
/// 'unsafe-inline'`, because it must also work opened from disk, where no header exists. Served by
/// the daemon, it gets a stricter header beside it: `script-src` and `style-src` name the SHA-256
/// hashes of the file's inline script and stylesheet, so only those run (a browser enforces both
/// policies), and `connect-src 'none'`.
enum OfflineVerifierPage {
    /// The page, read from the resource bundle once (the router reads it when it is built).
    static let page: WebPage = {
        let html = WebPage.resource("verify.html")
        let text = String(decoding: html, as: UTF8.self)
        func sources(_ tag: String) -> String {
            let hashes = WebPage.inlineHashSources(tag, in: text)
            return hashes.isEmpty ? "'none'" : hashes.joined(separator: " ")
        }
        let policy = "default-src 'none'; script-src \(sources("script")); style-src \(sources("style")); img-src data:; connect-src 'none'"
        return WebPage(html: html, contentSecurityPolicy: policy)
    }()
}
