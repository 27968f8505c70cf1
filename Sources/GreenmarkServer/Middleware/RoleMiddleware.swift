import GreenmarkStorage
import Hummingbird

/// Refuses a request unless its token has at least `role` (401 without a token, 403 below it),
/// before the handler reads anything; on a route group, so each area states its role once. A
/// nil role admits everyone (detection when `public_detection` is on).
struct RoleMiddleware: RouterMiddleware {
    typealias Context = GreenmarkRequestContext
    let role: Role?

    init(_ role: Role?) { self.role = role }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let role { _ = try context.require(role) }
        return try await next(request, context)
    }
}
