import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
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
    /// The master key that seals the home's secret files (`docs/secrets-at-rest.md`), if any.
    public let masterKey: MasterKeySource
    let keyringCache: KeyringCache
    /// The transparency log's tree, updated from the registry per use.
    let logTree = LogTreeCache()
    /// The transparency log's key and latest signed checkpoint, re-read when the key file changes.
    let logSigner: LogSigner
    /// Shares the key files with other daemons on the same PostgreSQL registry; nil when alone.
    public let keySync: KeySync?

    public init(home: String, tokenizer: LlamaTokenizer, registry: Registry, publicDetection: Bool = false,
                model: LlamaModel? = nil, gate: GenerationGate = GenerationGate(maxActive: 1, maxQueued: 4),
                rateLimit: RateLimiter.Policy? = nil, masterKey: MasterKeySource = .none, keySync: KeySync? = nil) {
        self.home = home
        self.tokenizer = tokenizer
        self.registry = registry
        self.publicDetection = publicDetection
        self.model = model
        self.gate = gate
        self.rateLimiter = rateLimit.map { RateLimiter(policy: $0) }
        self.masterKey = masterKey
        self.keyringCache = KeyringCache(store: KeyringStore(directory: home, masterKey: masterKey))
        self.logSigner = LogSigner(directory: home, masterKey: masterKey)
        self.keySync = keySync
    }

    /// Runs a key change: alone, as is; with other daemons, between syncs that bring the home up
    /// to date and publish the change (`KeySync.change`), a concurrent change elsewhere → 409.
    func changingKeys<T>(_ body: () throws -> T) throws -> T {
        guard let keySync else { return try body() }
        do {
            return try keySync.change(body)
        } catch let error as KeySyncError {
            throw APIError(error.code == .conflict ? .conflict : .serviceUnavailable, code: error.code.rawValue, error.reason)
        }
    }

    /// The keyring file's store, for changes and existence checks.
    var keyring: KeyringStore { keyringCache.store }
    /// The current keyring, from the cache unless the file changed.
    func currentKeyring() throws(GreenmarkError) -> Keyring { try keyringCache.load() }
    var signing: SigningKeyStore { SigningKeyStore(directory: home, masterKey: masterKey) }
}
