import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkModel
import GreenmarkStorage
import GreenmarkTransparency
import Hummingbird

/// Runs the daemon from its resolved settings: checks the home's secrets, loads the model, opens
/// the registry, starts key sync or trust refresh, and serves HTTP until SIGTERM or SIGINT
/// (in-flight requests finish). The command line that produces the settings is the `greenmarkd`
/// executable's (`Sources/greenmarkd/Serve.swift`); this library does not parse arguments.
public enum GreenmarkDaemon {
    /// Serves with `config`, the master key taken from the environment (`MasterKeySource.environment()`).
    public static func run(_ config: DaemonConfiguration) async throws {
        let masterKey = MasterKeySource.environment()
        try Self.checkSecrets(home: config.home, masterKey: masterKey)
        ServerMetrics.bootstrap()
        let path = try ModelLocator.resolve(explicit: config.model)
        let llama = config.generation ? try LlamaModel(path: path, threads: config.threads) : nil
        let tokenizer = try llama?.tokenizer ?? LlamaTokenizer(modelPath: path)
        let registry = try Registry.open(home: config.home, database: config.database)
        // Daemons sharing a PostgreSQL registry share their key files through it.
        var keySync: KeySync?
        if let database = config.database, try DatabaseLocation(database).kind == .postgres {
            // Keys leave the host only sealed: a shared registry needs the master key.
            guard try masterKey.masterKey() != nil else {
                throw GreenmarkError(
                    .masterKeyRequired,
                    "a PostgreSQL registry shares the keys sealed under a master key; "
                        + "set \(MasterKey.fileEnvironmentVariable) (see docs/scale-out.md)")
            }
            let interval = Duration.milliseconds(Int(config.keySyncInterval * 1000))
            let sync = KeySync(home: config.home, registry: registry, interval: interval, masterKey: masterKey)
            try sync.startUp()
            // The files taken from the registry must open with this daemon's master key.
            try Self.checkSecrets(home: config.home, masterKey: masterKey)
            keySync = sync
        }
        let services = GreenmarkServices(
            home: config.home, tokenizer: tokenizer, registry: registry,
            publicDetection: config.publicDetection, model: llama,
            gate: GenerationGate(maxActive: config.maxConcurrent, maxQueued: config.maxQueued),
            rateLimit: config.rateLimitPolicy, masterKey: masterKey, keySync: keySync,
            metricsAccess: config.metricsAccess,
            budget: config.budgetPolicy, maxContext: config.maxContext)
        services.log.checkpoints.verifyAtStart()  // a log refused since the last run is not ready (/readyz) from the start
        let syncLoop = keySync.map { sync in Task { await sync.run() } }
        defer { syncLoop?.cancel() }
        let refresher = keySync == nil ? TrustRefresher(home: config.home, masterKey: masterKey, interval: .seconds(3_600)) : nil
        refresher?.refreshOnce()
        let refreshLoop = refresher.map { r in
            Task {
                try? await Task.sleep(for: r.interval)
                await r.run()
            }
        }
        defer { refreshLoop?.cancel() }
        try await GreenmarkApplication.make(
            services: services, host: config.host, port: config.port,
            generationGrace: config.generationGrace, drainBound: config.drainBound
        ).runService()
    }

    /// Refuses to start when the master key cannot serve the home: the configuration is unusable
    /// (malformed, a group-readable key file, both variables set), or a sealed secret file needs a
    /// master key that is missing or another one. The error names the file, the code and the
    /// environment variables, never key material.
    static func checkSecrets(home: String, masterKey: MasterKeySource) throws {
        do { _ = try masterKey.masterKey() } catch {
            throw GreenmarkError(relaying: error, else: .cryptoFailure, "master key: \(error.reason)")
        }
        let keyring = KeyringStore(directory: home, masterKey: masterKey)
        let signing = SigningKeyStore(directory: home, masterKey: masterKey)
        try unsealing { if keyring.exists { _ = try keyring.load() } }
        try unsealing { if signing.exists { _ = try signing.activeIssuer() } }
        let logKeyExists = FileManager.default.fileExists(atPath: home + "/" + LogKey.fileName)
        try unsealing { if logKeyExists { _ = try LogKey.loadOrCreate(directory: home, masterKey: masterKey) } }
    }

    /// Runs `open`, rethrowing its error only when the master key cannot open a sealed file (a
    /// `secrets.*` code or a failed authentication): any other problem of a file does not stop the
    /// start; requests and `/readyz` report it.
    private static func unsealing(_ open: () throws -> Void) throws {
        do {
            try open()
        } catch let error as any CodedError where SecretsStatus.isUnsealingFailure(error.code.rawValue) {
            throw error
        } catch {}
    }
}
