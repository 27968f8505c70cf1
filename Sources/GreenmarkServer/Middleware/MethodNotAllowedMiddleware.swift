import HTTPTypes
import Hummingbird
import Synchronization

/// Answers a request for a known path with a method the path does not have with 405
/// `http.method_not_allowed` and an `Allow` header listing the methods it does have (RFC 9110
/// §15.5.6), instead of the router's 404. Runs before authentication, so the answer does not
/// depend on the token. HEAD is left to the router where GET is allowed.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = GreenmarkRequestContext

    /// The router's routes, read from the router once it has them all (`GreenmarkRoutes.router`).
    let table: RouteTable

    /// The methods of the most specific routes whose template matches `path` (fewest `{name}`
    /// segments, as the router prefers literal segments: `/v1/certificates/verify` is POST only,
    /// though `/v1/certificates/{id}` matches it too); empty when no route has this path.
    func methods(for path: Substring) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/")
        let matching = table.templates.filter { template, _ in
            template.count == segments.count && zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }.map { template, method in (parameters: template.count { $0.hasPrefix("{") }, method: method) }
        guard let fewest = matching.map(\.parameters).min() else { return [] }
        return Set(matching.filter { $0.parameters == fewest }.map(\.method))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let allowed = methods(for: request.uri.path[...])
        if allowed.isEmpty || allowed.contains(request.method) || (request.method == .head && allowed.contains(.get)) {
            return try await next(request, context)
        }
        let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        var response = try APIError(
            .methodNotAllowed, code: .methodNotAllowed,
            "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(list)"
        )
        .response(from: request, context: context)
        response.headers[.allow] = list
        return response
    }
}

/// The path templates (`{name}` matches one segment) and methods of a router's routes, for
/// `MethodNotAllowedMiddleware`, which is added before the routes it must know (Hummingbird runs
/// a middleware only for routes added after it); filled once the router is complete.
final class RouteTable: Sendable {
    private let routes = Mutex<[(template: [Substring], method: HTTPRequest.Method)]>([])

    init() {}

    /// Replaces the table with the routes of `router`.
    func load(from router: Router<GreenmarkRequestContext>) {
        let all = router.routes.map { (template: "\($0.path)".split(separator: "/"), method: $0.method) }
        routes.withLock { $0 = all }
    }

    var templates: [(template: [Substring], method: HTTPRequest.Method)] { routes.withLock { $0 } }
}
