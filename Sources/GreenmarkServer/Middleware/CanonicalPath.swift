import CoreMetrics
import HTTPTypes
import Hummingbird

/// The one request-path rule of the daemon (#17, "one normalized path"). Hummingbird's router
/// splits a path on `/` and drops empty segments, so `//v1/detect`, `/v1//detect` and
/// `/v1/detect/` reach the `/v1/detect` handler, while a check on the raw path
/// (`path.hasPrefix("/v1/")`) does not see an API route: before this rule `//v1/detect` was served
/// and never rate limited. Rather than a second, hopefully identical, normalization beside the
/// router's, the daemon accepts only paths that are already canonical and refuses every other
/// spelling with 400 `http.path_not_canonical` before anything else runs (no routing decision,
/// authentication, rate limit, metrics label or handler ever sees a non-canonical path). The
/// router, `AuthMiddleware`, `RateLimitMiddleware` and the 405 middleware therefore all read the
/// same string, and a canonical path means the same route to each of them.
///
/// A path is canonical when it is `/`, or `/` followed by non-empty segments separated by single
/// `/`s, with no `.` or `..` segment, no trailing `/`, and only RFC 3986 `pchar` characters other
/// than `%` (letters, digits, `-._~!$&'()*+,;=:@`). No route of the API needs percent-encoding
/// (ids are ASCII letters, digits and `-`), so every percent-encoded path (`/%761/detect`,
/// `/v1/%2e%2e/detect`, `/v1/detect%2F`) is refused rather than decoded: decoding is exactly
/// where a proxy in front and the daemon could disagree. The query string is not part of the
/// path and is not affected.
public enum CanonicalPath {
    /// Why `path` is not canonical, or nil when it is.
    public static func problem(_ path: String) -> String? {
        if path == "/" { return nil }
        guard path.utf8.first == UInt8(ascii: "/") else { return "the path must start with /" }
        if path.utf8.last == UInt8(ascii: "/") { return "the path must not end with /" }
        for byte in path.utf8 where !allowed[Int(byte)] {
            return byte == UInt8(ascii: "%") ? "percent-encoded paths are not accepted" : "the path holds a character outside RFC 3986 pchar"
        }
        for segment in path.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if segment.isEmpty { return "the path has an empty segment (//)" }
            if segment.elementsEqual(".".utf8) || segment.elementsEqual("..".utf8) { return "the path has a . or .. segment" }
        }
        return nil
    }

    /// Paths the rate limiter never meters: the probes, the metrics and the two static pages.
    public static let unmetered: Set<String> = ["/healthz", "/readyz", "/metrics", "/", "/verify"]

    /// Whether the rate limiter meters `path`: every path but `unmetered`, so `/v1/…` routes and
    /// paths no route has alike. Decided by exact match on the one canonical spelling: a spelling
    /// that somehow got past `CanonicalPathMiddleware` would be metered, not waved through.
    public static func isMetered(_ path: String) -> Bool { !unmetered.contains(path) }

    /// The canonical spelling of `path` when one is obvious (empty and `.` segments dropped, `..`
    /// resolved, unreserved percent-escapes decoded), to name in the error; nil otherwise.
    public static func suggestion(_ path: String) -> String? {
        var bytes: [UInt8] = []
        var rest = Array(path.utf8)[...]
        while let byte = rest.first {
            rest = rest.dropFirst()
            if byte == UInt8(ascii: "%"), rest.count >= 2, let value = UInt8(String(decoding: rest.prefix(2), as: UTF8.self), radix: 16) {
                rest = rest.dropFirst(2)
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        var segments: [ArraySlice<UInt8>] = []
        for segment in bytes.split(separator: UInt8(ascii: "/")) {
            if segment.elementsEqual(".".utf8) { continue }
            if segment.elementsEqual("..".utf8) {
                _ = segments.popLast()
                continue
            }
            segments.append(segment)
        }
        let candidate = "/" + segments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        return problem(candidate) == nil ? candidate : nil
    }

    /// RFC 3986 `pchar` minus `%`, plus `/`, by byte.
    private static let allowed: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for scalar in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/".utf8 { table[Int(scalar)] = true }
        return table
    }()
}

/// Refuses a non-canonical request path (`CanonicalPath`) with 400 `http.path_not_canonical`,
/// before routing decisions, authentication and rate limits. The first middleware of the router,
/// so it runs for every route and for paths no route has. Counted in
/// `greenmark_http_noncanonical_paths_total`.
struct CanonicalPathMiddleware: RouterMiddleware {
    typealias Context = GreenmarkRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard let problem = CanonicalPath.problem(path) else { return try await next(request, context) }
        CoreMetrics.Counter(label: "greenmark_http_noncanonical_paths_total").increment()
        let hint = CanonicalPath.suggestion(path).map { "; use \($0)" } ?? ""
        return try APIError(.badRequest, code: .pathNotCanonical, "\(problem): every path must be sent in its one canonical form\(hint)")
            .response(from: request, context: context)
    }
}
