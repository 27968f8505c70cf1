import HTTPTypes
import Hummingbird

/// The human pages: the essay checker at `/` and the offline certificate checker at `/verify`
/// (`certs/verify.html`, embedded). Self-contained documents with a strict Content-Security-Policy.
enum WebRoutes {
    static func register(on router: Router<GreenmarkRequestContext>) {
        router.get("/") { _, _ in page(EssayPage.html, connect: "'self' blob:") }
        router.get("/verify") { _, _ in page(VerifyPage.html, connect: "'none'") }
    }

    static func page(_ html: String, connect: String) -> Response {
        Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src \(connect)",
            .cacheControl: "no-cache",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
