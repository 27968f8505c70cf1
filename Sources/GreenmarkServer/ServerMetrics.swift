import CoreMetrics
import GreenmarkModel
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

    /// Records one step of the batch scheduler (docs/generation.md, "Batching"): the batch size
    /// (sequences and tokens in the last `llama_decode`; 0 when idle) and, as counters, the steps
    /// and the sequences they decoded (their ratio over an interval is the mean batch size). The
    /// queue depth is the gate's `greenmark_generations_queued`.
    static func record(_ step: BatchScheduler.Step) {
        CoreMetrics.Gauge(label: "greenmark_generation_batch_size").record(step.sequences)
        CoreMetrics.Gauge(label: "greenmark_generation_batch_tokens").record(step.tokens)
        guard step.sequences > 0 else { return }
        CoreMetrics.Counter(label: "greenmark_generation_decode_steps_total").increment()
        CoreMetrics.Counter(label: "greenmark_generation_batched_sequences_total").increment(by: step.sequences)
    }
}
