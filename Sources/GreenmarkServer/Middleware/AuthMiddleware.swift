import GreenmarkStorage
import Hummingbird

/// Reads `Authorization: Bearer <token>` and sets the principal; an unknown, expired or revoked
/// token is refused at once (the registry is asked off the event loop). Requests without a token
/// pass on (public routes); each area checks its role (`RoleMiddleware`). The token is never
/// logged. A registry that cannot be read gives 503 with the storage code, not 401.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = GreenmarkRequestContext
    let registry: Registry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        // A registry that cannot be read (PostgreSQL down) is 503 with its storage code, like every route.
        guard header.hasPrefix("Bearer "),
            let record = try await offload({ [registry] in try registry.authenticate(token: String(header.dropFirst(7))) })
        else {
            throw APIError.invalidToken
        }
        var context = context
        context.principal = record
        return try await next(request, context)
    }
}
