import Foundation
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkModel
import GreenmarkStorage
import GreenmarkTransparency

/// Everything the daemon serves from, built once at start-up and split by area: each route
/// collection receives only its own part (`DetectionServices`, `IssuingServices`,
/// `AdminServices`, `LogServices`, `HealthServices`, `GenerationServices`).
///
/// The Greenmark home holds the keyring and the signing keys: the keyring is cached and re-read
/// when its file changes, signing keys are read per use, so key changes made by the CLI or another
/// daemon take effect without a restart. The shared objects (keyring cache, trust state, log
/// tree, gates) are created here once and handed to every area that needs them.
public struct GreenmarkServices: Sendable {
    public let home: String
    public let registry: Registry
    /// Bounds concurrent generations (the model is one shared resource).
    public let gate: GenerationGate
    /// Per-caller request limits on the API routes; nil serves without limits.
    public let rateLimiter: RateLimiter?
    let detection: DetectionServices
    let issuing: IssuingServices
    let admin: AdminServices
    let log: LogServices
    let health: HealthServices
    let generation: GenerationServices
    /// The trust chain from the root key in `signing.json`, cached per file version (`TrustState`).
    let trust: TrustState

    public init(
        home: String, tokenizer: LlamaTokenizer, registry: Registry, publicDetection: Bool = false,
        model: LlamaModel? = nil, gate: GenerationGate = GenerationGate(maxActive: 1, maxQueued: 4),
        rateLimit: RateLimiter.Policy? = nil, masterKey: MasterKeySource = .none, keySync: KeySync? = nil,
        metricsAccess: MetricsAccess = .loopback,
        budget: ScoringBudget.Policy? = nil, maxContext: Int = BatchScheduler.Limits().contextPerSequence
    ) {
        self.home = home
        self.registry = registry
        self.gate = gate
        self.rateLimiter = rateLimit.map { RateLimiter(policy: $0) }
        let keyringCache = KeyringCache(store: KeyringStore(directory: home, masterKey: masterKey))
        let trust = TrustState(home: home, masterKey: masterKey)
        self.trust = trust
        detection = DetectionServices(
            tokenizer: tokenizer, keyringCache: keyringCache, scoringBudget: budget.map { ScoringBudget(policy: $0) },
            registry: registry, publicDetection: publicDetection)
        // With key sync the log key comes from the shared registry only, never made afresh here.
        let checkpoints = LogCheckpointGuard(registry: registry, signer: LogSigner(directory: home, masterKey: masterKey, createsKey: keySync == nil))
        issuing = IssuingServices(home: home, masterKey: masterKey, registry: registry, keySync: keySync, logCheckpoints: checkpoints)
        admin = AdminServices(issuing: issuing, keyringCache: keyringCache, trust: trust)
        log = LogServices(registry: registry, checkpoints: checkpoints)
        health = HealthServices(
            tokenizer: tokenizer, keyringCache: keyringCache, trust: trust, masterKey: masterKey, metricsAccess: metricsAccess,
            logCheckpoints: checkpoints)
        // One sequence per gate place: an admitted generation always finds a free sequence.
        let limits = BatchScheduler.Limits(
            maxConcurrent: min(max(1, gate.maxActive), BatchScheduler.Limits.maximumConcurrent), contextPerSequence: maxContext)
        let scheduler = model.flatMap { try? BatchScheduler(model: $0, limits: limits, observer: { ServerMetrics.record($0) }) }
        generation = GenerationServices(model: model, scheduler: scheduler, gate: gate, keyringCache: keyringCache, issuing: issuing)
    }

    /// The model's tokenizer.
    public var tokenizer: LlamaTokenizer { detection.tokenizer }
    /// Serve `/v1/detect` and `/v1/certificates/verify` without a token.
    public var publicDetection: Bool { detection.publicDetection }
    /// The loaded model, when this daemon generates.
    public var model: LlamaModel? { generation.model }
    /// Per-caller budgets of scored tokens on the detection routes; nil scores without budgets.
    public var scoringBudget: ScoringBudget? { detection.scoringBudget }
    /// The master key that seals the home's secret files (`docs/secrets-at-rest.md`), if any.
    public var masterKey: MasterKeySource { issuing.masterKey }
    /// Shares the key files with other daemons on the same PostgreSQL registry; nil when alone.
    public var keySync: KeySync? { issuing.keySync }
    /// Who may read `/metrics` (`MetricsAccess`; default loopback clients only).
    public var metricsAccess: MetricsAccess { health.metricsAccess }
}
