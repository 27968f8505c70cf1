import Hummingbird

/// The human pages: the essay checker at `/` (`Resources/web/essay.*`, assembled into one
/// document, `EssayPage`) and the offline certificate checker at `/verify` (`certs/verify.html`
/// itself: the `VerifyPageResource` build plugin copies that file into the server's resource
/// bundle, so the daemon serves its exact bytes). Both are self-contained documents with a strict
/// Content-Security-Policy.
enum WebRoutes {
    /// `certs/verify.html`'s own policy (inline script and style, no loads) with no connection either.
    static let verifyPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'"

    static func register(on router: Router<GreenmarkRequestContext>) {
        // Read once, here, when the router is built at start-up.
        let essay = EssayPage.page
        let verify = WebPage(html: WebPage.resource("verify.html"), contentSecurityPolicy: verifyPolicy)
        router.get("/") { _, _ in essay.response() }
        router.get("/verify") { _, _ in verify.response() }
    }
}
