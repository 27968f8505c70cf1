import Hummingbird

/// The human pages: the essay checker at `/` (`Resources/web/essay.*`, assembled into one
/// document, `EssayPage`) and the offline certificate checker at `/verify` (`certs/verify.html`
/// itself, `OfflineVerifierPage`). Both are self-contained documents served with a
/// Content-Security-Policy that allows their own inline script and stylesheet by hash, and nothing else.
struct WebRoutes: RouteArea {
    var routes: RouteCollection<GreenmarkRequestContext> {
        // Read once, here, when the router is built at start-up.
        let essay = EssayPage.page
        let verify = OfflineVerifierPage.page
        let routes = RouteCollection(context: GreenmarkRequestContext.self)
        routes.get("/") { _, _ in essay.response() }
        routes.get("/verify") { _, _ in verify.response() }
        return routes
    }
}
