import HTTPTypes
import Hummingbird

/// The human pages: the essay checker at `/`. Self-contained documents with a strict
/// Content-Security-Policy.
enum WebRoutes {
    static func register(on router: Router<GreenmarkRequestContext>) {
        router.get("/") { _, _ in page(EssayPage.html) }
    }

    static func page(_ html: String) -> Response {
        Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-cache",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
