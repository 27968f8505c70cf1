import CoreMetrics
import GreenmarkStorage
import Hummingbird

/// Applies the per-caller rate limit to every path but the probes, `/metrics` and the two pages
/// (`CanonicalPath.isMetered`; paths reach it only in their canonical form): requests with a token are
/// counted against the token's id, others against the client address. Over the limit → 429
/// `rate.limited` with `Retry-After`. Runs after `AuthMiddleware`, so a bad token is a 401 first.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = GreenmarkRequestContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard CanonicalPath.isMetered(request.uri.path) else { return try await next(request, context) }
        let key = context.principal.map { "token:" + $0.id } ?? "address:" + (context.clientAddress ?? "unknown")
        if case .limited(let retryAfter) = limiter.acquire(key) {
            ServerMetrics.rateLimited.increment()
            var error = APIError(
                .tooManyRequests, code: .rateLimited,
                "more than \(limiter.policy.burst) requests at once or \(limiter.policy.ratePerSecond) per second; "
                    + "retry after \(retryAfter) s")
            error.retryAfter = retryAfter
            throw error
        }
        return try await next(request, context)
    }
}
