import Hummingbird
import Prometheus

/// The probes and the metrics: `/healthz`, `/readyz` (cached state only, never decrypts a secret
/// file: `Readiness`) and `/metrics` (as `metrics_access` allows: `MetricsAccess`).
struct HealthRoutes: RouteArea {
    let services: HealthServices

    var routes: RouteCollection<GreenmarkRequestContext> {
        let routes = RouteCollection(context: GreenmarkRequestContext.self)
        routes.get("/healthz") { _, _ in StatusResponse(status: "ok") }
        routes.get("/readyz") { [services] _, _ -> Response in try Readiness.response(services) }
        routes.get("/metrics") { [services] _, context -> Response in
            try services.metricsAccess.check(context)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: ServerMetrics.registry.emitToBuffer())))
        }
        return routes
    }
}
