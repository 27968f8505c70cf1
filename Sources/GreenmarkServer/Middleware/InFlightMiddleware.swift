import CoreMetrics
import Hummingbird
import Synchronization

/// Counts requests being handled (from the request head to the handler's response) in the
/// `greenmark_http_requests_in_flight` gauge: what a load balancer drains on, and how tests know
/// a request reached the daemon before they signal it.
struct InFlightMiddleware: RouterMiddleware {
    typealias Context = GreenmarkRequestContext

    /// Process-wide count; one gauge per process.
    private static let count = Atomic<Int>(0)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        Self.record(Self.count.add(1, ordering: .relaxed).newValue)
        defer { Self.record(Self.count.subtract(1, ordering: .relaxed).newValue) }
        return try await next(request, context)
    }

    private static func record(_ value: Int) {
        ServerMetrics.requestsInFlight.record(value)
    }
}
