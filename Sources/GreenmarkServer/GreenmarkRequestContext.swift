import Hummingbird
import GreenmarkStorage

/// Per-request data: the authenticated principal, set by `AuthMiddleware`.
public struct GreenmarkRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token that authenticated this request, if any.
    public var principal: TokenRecord?

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
    }

    /// Request bodies above 4 MiB are refused with 413.
    public var maxUploadSize: Int { 4 << 20 }

    /// Throws 401/403 unless the request carries a token with at least `role`.
    func require(_ role: Role) throws -> TokenRecord {
        guard let principal else { throw APIError.unauthorized }
        guard principal.role >= role else {
            throw APIError(.forbidden, code: "auth.forbidden", "this route needs the \(role.rawValue) role; the token has \(principal.role.rawValue)")
        }
        return principal
    }
}
