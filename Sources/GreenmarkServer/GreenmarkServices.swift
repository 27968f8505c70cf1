import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkModel
import GreenmarkStorage
import GreenmarkTransparency
import HTTPTypes

/// What the routes share: the Greenmark home (keyring and signing keys; the keyring is cached and
/// re-read when its file changes, signing keys are read per use, so key changes made by the CLI or
/// another daemon take effect without a restart), the model's tokenizer, the registry, and the
/// rate limiter.
public struct GreenmarkServices: Sendable {
    public let home: String
    public let tokenizer: LlamaTokenizer
    public let registry: Registry
    /// Serve `/v1/detect` and `/v1/certificates/verify` without a token.
    public let publicDetection: Bool
    /// The loaded model, when this daemon generates.
    public let model: LlamaModel?
    /// Bounds concurrent generations (the model is one shared resource).
    public let gate: GenerationGate
    /// Per-caller request limits on the API routes; nil serves without limits.
    public let rateLimiter: RateLimiter?
    /// Per-caller budgets of scored tokens on the detection routes; nil scores without budgets.
    public let scoringBudget: ScoringBudget?
    /// The master key that seals the home's secret files (`docs/secrets-at-rest.md`), if any.
    public let masterKey: MasterKeySource
    let keyringCache: KeyringCache
    /// The transparency log's tree, updated from the registry per use.
    let logTree = LogTreeCache()
    /// The transparency log's key and latest signed checkpoint, re-read when the key file changes.
    let logSigner: LogSigner
    /// Shares the key files with other daemons on the same PostgreSQL registry; nil when alone.
    public let keySync: KeySync?
    /// This daemon's key changes, one at a time (see `changingKeys`).
    let keyChanges = GenerationGate(maxActive: 1, maxQueued: 4096)
    /// The trust chain from the root key in `signing.json`, cached per file version (`TrustState`).
    let trust: TrustState
    /// The keyring's status for `/readyz`, cached per file version (`Readiness`).
    let keyringHealth = KeyringHealth()
    /// Who may read `/metrics` (`MetricsAccess`; default loopback clients only).
    public let metricsAccess: MetricsAccess

    public init(home: String, tokenizer: LlamaTokenizer, registry: Registry, publicDetection: Bool = false,
                model: LlamaModel? = nil, gate: GenerationGate = GenerationGate(maxActive: 1, maxQueued: 4),
                rateLimit: RateLimiter.Policy? = nil, masterKey: MasterKeySource = .none, keySync: KeySync? = nil,
                metricsAccess: MetricsAccess = .loopback,
                budget: ScoringBudget.Policy? = nil) {
        self.home = home
        self.tokenizer = tokenizer
        self.registry = registry
        self.publicDetection = publicDetection
        self.model = model
        self.gate = gate
        self.rateLimiter = rateLimit.map { RateLimiter(policy: $0) }
        self.scoringBudget = budget.map { ScoringBudget(policy: $0) }
        self.masterKey = masterKey
        self.keyringCache = KeyringCache(store: KeyringStore(directory: home, masterKey: masterKey))
        self.logSigner = LogSigner(directory: home, masterKey: masterKey)
        self.keySync = keySync
        self.trust = TrustState(home: home, masterKey: masterKey)
        self.metricsAccess = metricsAccess
    }

    /// Runs a key change holding the home-wide lock (`HomeLock`), which it hands to `body` to pass
    /// on to the stores (`holding:`): alone, under the lock; with other daemons, under the lock
    /// between syncs that bring the home up to date and publish the change (`KeySync.change`), a
    /// concurrent change elsewhere → 409 `keys.sync_conflict` (a retry succeeds). This daemon's
    /// own key changes queue here first (`keyChanges`), so at most one request thread at a time
    /// waits for the lock while a CLI command or a sync holds it.
    func changingKeys<T>(_ body: (HomeLock.Held) throws -> T) async throws -> T {
        guard await keyChanges.enter() else {
            throw APIError(.serviceUnavailable, code: .adminBusy, "too many key changes are waiting; retry shortly")
        }
        let result = Result { () throws -> T in try changingKeysNow(body) }
        await keyChanges.leave()
        return try result.get()
    }

    /// Before signing a certificate or receipt: with a shared registry, one key sync (a cheap
    /// version query; a full pull only when a key file changed), so a key another daemon revoked is
    /// never used, whatever the sync interval. Fails closed: when the registry cannot be asked,
    /// 503 `keys.sync_unavailable` and nothing is signed. Without a shared registry, nothing to do.
    func syncSharedKeysBeforeIssuing() throws {
        guard let keySync else { return }
        do {
            try keySync.sync()
        } catch {
            var refusal = APIError(.serviceUnavailable, code: .keysSyncUnavailable,
                                   "the shared key state cannot be checked, so nothing is signed (\(error.code.rawValue)); retry shortly")
            refusal.retryAfter = 5
            throw refusal
        }
    }

    private func changingKeysNow<T>(_ body: (HomeLock.Held) throws -> T) throws -> T {
        guard let keySync else {
            return try HomeLock(directory: home).withLock(orElse: { error -> any Error in
                APIError(.serviceUnavailable, relaying: error.code.rawValue, error.reason)
            }, { held throws(any Error) -> T in try body(held) })
        }
        return try keySync.change(body)
    }

    /// The keyring file's store, for changes and existence checks.
    var keyring: KeyringStore { keyringCache.store }
    /// The current keyring, from the cache unless the file changed.
    func currentKeyring() throws(GreenmarkError) -> Keyring { try keyringCache.load() }
    var signing: SigningKeyStore { SigningKeyStore(directory: home, masterKey: masterKey) }
}
