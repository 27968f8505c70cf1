import CoreMetrics
import Metrics
import Prometheus

/// Prometheus metrics for greenmarkd. The executable bootstraps swift-metrics once with
/// `bootstrap()`; `/metrics` renders the registry in the Prometheus text format. Hummingbird's
/// `MetricsMiddleware` adds per-route request counts and durations.
public enum ServerMetrics {
    /// The registry `/metrics` renders.
    public static let registry = PrometheusCollectorRegistry()

    /// Points swift-metrics at the Prometheus registry; call once per process, before serving.
    public static func bootstrap() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    // Looked up per use (the factory returns the same counter for a label), so counters touched
    // before the bootstrap do not stay bound to the no-op backend.
    static var detections: CoreMetrics.Counter { CoreMetrics.Counter(label: "greenmark_detections_total") }
    static var certificatesIssued: CoreMetrics.Counter { CoreMetrics.Counter(label: "greenmark_certificates_issued_total") }
    static var generatedTokens: CoreMetrics.Counter { CoreMetrics.Counter(label: "greenmark_generated_tokens_total") }
    static var generationsRefused: CoreMetrics.Counter { CoreMetrics.Counter(label: "greenmark_generations_refused_total") }
    static var rateLimited: CoreMetrics.Counter { CoreMetrics.Counter(label: "greenmark_rate_limited_total") }
    /// Scored tokens charged to callers' budgets on the detection routes (docs/daemon.md, "Budgets").
    static var scoredTokensCharged: CoreMetrics.Counter { CoreMetrics.Counter(label: "greenmark_scored_tokens_charged_total") }
    /// Detection requests refused because the caller's budget was used up, by caller kind (token, address).
    static func budgetRefused(_ caller: String) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: "greenmark_budget_exhausted_total", dimensions: [("caller", caller)])
    }
    static var requestsInFlight: CoreMetrics.Gauge { CoreMetrics.Gauge(label: "greenmark_http_requests_in_flight") }
}
