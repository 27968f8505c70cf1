import Hummingbird
import GreenmarkStorage

/// Reads `Authorization: Bearer <token>` and sets the principal; an unknown, expired or revoked
/// token is refused at once. Requests without a token pass on (public routes), and routes check
/// roles themselves. The token is never logged.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = GreenmarkRequestContext
    let registry: Registry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard header.hasPrefix("Bearer "), let record = try registry.authenticate(token: String(header.dropFirst(7))) else {
            throw APIError.invalidToken
        }
        var context = context
        context.principal = record
        return try await next(request, context)
    }
}
