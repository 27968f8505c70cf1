import HTTPTypes
import Hummingbird
import NIOCore

/// Who may read `GET /metrics` (`metrics_access`, `--metrics-access`, `GREENMARK_METRICS_ACCESS`).
/// The metrics say how busy the daemon is, how many certificates it issued, how often callers hit
/// their budgets: not secrets, but not for everyone either.
public enum MetricsAccess: String, Sendable, CaseIterable {
    /// The default: clients on the loopback interface (127.0.0.0/8, ::1, IPv4-mapped loopback,
    /// a Unix socket) only, such as a Prometheus agent or sidecar on the same host. Everyone else
    /// gets 403 `metrics.forbidden`. Behind a reverse proxy on the same host every request comes
    /// from loopback: block `/metrics` at the proxy, or use `token`.
    case loopback
    /// Any valid API token (any role; `greenmark tokens create --role verify` for the scraper),
    /// from any address; without one 401 `auth.missing_token`.
    case token
    /// Anyone (the behaviour before this setting existed).
    case `public`

    /// Throws the refusal when `context`'s caller may not read the metrics.
    func check(_ context: GreenmarkRequestContext) throws {
        switch self {
        case .public:
            return
        case .token:
            guard context.principal != nil else {
                throw APIError(
                    .unauthorized, code: .missingToken,
                    "/metrics needs an API token (metrics_access is token): send Authorization: Bearer <token>")
            }
        case .loopback:
            guard Self.isLoopback(context.remoteAddress) else {
                throw APIError(
                    .forbidden, code: .metricsForbidden,
                    "/metrics is served to loopback clients only (metrics_access is loopback); "
                        + "to scrape from elsewhere set metrics_access to token and send an API token")
            }
        }
    }

    /// Whether `address` is a loopback peer (or a Unix socket).
    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address else { return false }
        if address.pathname != nil { return true }
        guard let ip = address.ipAddress?.lowercased() else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip == "0:0:0:0:0:0:0:1" || ip.hasPrefix("::ffff:127.")
    }
}
