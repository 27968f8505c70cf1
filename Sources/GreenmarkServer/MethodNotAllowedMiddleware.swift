import HTTPTypes
import Hummingbird

/// Answers a request for a known path with a method the path does not have with 405
/// `http.method_not_allowed` and an `Allow` header listing the methods it does have (RFC 9110
/// §15.5.6), instead of the router's 404. Runs before authentication, so the answer does not
/// depend on the token. HEAD is left to the router where GET is allowed.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = GreenmarkRequestContext

    /// Every route's path template (`{name}` matches one segment) and method.
    static let routes: [(path: String, method: HTTPRequest.Method)] = [
        ("/", .get), ("/verify", .get), ("/healthz", .get), ("/readyz", .get), ("/metrics", .get),
        ("/v1/trust", .get), ("/v1/detect", .post), ("/v1/certificates", .post), ("/v1/certificates/{id}", .get),
        ("/v1/certificates/verify", .post), ("/v1/generate", .post), ("/v1/chat/completions", .post),
        ("/v1/admin/keys", .get), ("/v1/admin/keys/rotate", .post), ("/v1/admin/keys/{id}/{action}", .post),
        ("/v1/admin/keys/{id}/disclose", .post), ("/v1/admin/signing/revoke", .post), ("/v1/admin/audit", .get),
        ("/v1/keys/disclosed", .get), ("/v1/log/checkpoint", .get), ("/v1/log/key", .get), ("/v1/log/proof/{id}", .get),
        ("/v1/log/consistency", .get),
    ]

    private static let templates: [([Substring], HTTPRequest.Method)] = routes.map { ($0.path.split(separator: "/"), $0.method) }

    /// The methods of the most specific routes whose template matches `path` (fewest `{name}`
    /// segments, as the router prefers literal segments: `/v1/certificates/verify` is POST only,
    /// though `/v1/certificates/{id}` matches it too); empty when no route has this path.
    static func methods(for path: Substring) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/")
        let matching = templates.filter { template, _ in
            template.count == segments.count && zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }.map { template, method in (parameters: template.count { $0.hasPrefix("{") }, method: method) }
        guard let fewest = matching.map(\.parameters).min() else { return [] }
        return Set(matching.filter { $0.parameters == fewest }.map(\.method))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let allowed = Self.methods(for: request.uri.path[...])
        if allowed.isEmpty || allowed.contains(request.method) || (request.method == .head && allowed.contains(.get)) {
            return try await next(request, context)
        }
        let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        var response = try APIError(.methodNotAllowed, code: "http.method_not_allowed",
                                    "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(list)")
            .response(from: request, context: context)
        response.headers[.allow] = list
        return response
    }
}
