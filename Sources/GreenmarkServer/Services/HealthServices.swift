import GreenmarkCore
import GreenmarkCrypto
import GreenmarkModel

/// What the probes and `/metrics` need: cached state only (`Readiness`), and who may read the
/// metrics.
struct HealthServices: Sendable {
    let tokenizer: LlamaTokenizer
    let keyringCache: KeyringCache
    let trust: TrustState
    let masterKey: MasterKeySource
    /// Who may read `/metrics` (`MetricsAccess`; default loopback clients only).
    let metricsAccess: MetricsAccess
    /// The transparency log's consistency guard, whose refusal makes the daemon not ready (`Readiness`).
    var logCheckpoints: LogCheckpointGuard? = nil
    /// The keyring's status for `/readyz`, cached per file version (`Readiness`).
    let keyringHealth = KeyringHealth()
}
