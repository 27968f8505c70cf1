import ArgumentParser
import Configuration
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkTransparency
import GreenmarkModel
import GreenmarkStorage
import Hummingbird

/// Options shared by the daemon's commands. Options have no defaults here, so that an option
/// left off the command line falls through to the environment and the configuration file.
public struct DaemonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Greenmark home (default: $GREENMARK_HOME, else ./keys).", valueName: "dir")) var home: String?
    @Option(help: ArgumentHelp("Registry: an SQLite file (default: HOME/registry.sqlite) or a postgresql:// URI without a password (give it in PGPASSWORD, ~/.pgpass, $GREENMARK_DATABASE or the config file).", valueName: "path-or-uri"))
    var database: String?
    @Option(name: .customLong("config"), help: ArgumentHelp("JSON configuration file (default: $GREENMARK_CONFIG); command line and environment override it.", valueName: "file"))
    var configFile: String?

    public init() {}
}

/// `greenmarkd serve`: run the HTTP server until SIGTERM or SIGINT (in-flight requests finish).
/// Every setting comes from the command line, else `GREENMARK_*`, else the `--config` file, else
/// its default (`DaemonConfiguration`).
public struct Serve: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "Run the HTTP server (the default).")
    @OptionGroup var options: DaemonOptions
    @Option(help: "Address to bind (default 127.0.0.1).") var host: String?
    @Option(help: "Port to bind (default 8080).") var port: Int?
    @Option(help: ArgumentHelp("GGUF model whose tokenizer scores texts.", valueName: "path")) var model: String?
    @Flag(name: .customLong("public-detection"), inversion: .prefixedNo, help: "Serve /v1/detect and /v1/certificates/verify without a token (default off).")
    var publicDetection: Bool?
    @Flag(name: .customLong("generation"), inversion: .prefixedNo, help: "Load the model's weights and serve generation (default on); --no-generation loads only the tokenizer.")
    var generation: Bool?
    @Option(help: "CPU threads per generation (default 1).") var threads: Int?
    @Option(name: .customLong("max-queued"), help: "Generations waiting for the model before new ones get 503 (default 4).") var maxQueued: Int?
    @Option(name: .customLong("rate-limit"), help: ArgumentHelp("Requests per second per token or client address; 0 is off (default).", valueName: "per-second"))
    var rateLimit: Double?
    @Option(name: .customLong("rate-burst"), help: ArgumentHelp("Requests a caller may send at once (default: one second's worth).", valueName: "n"))
    var rateBurst: Int?
    @Option(name: .customLong("key-sync-interval"), help: ArgumentHelp("Seconds between looks for key changes made through other daemons sharing a PostgreSQL registry (default 2).", valueName: "seconds"))
    var keySyncInterval: Double?
    @Option(name: .customLong("metrics-access"), help: ArgumentHelp("Who may read /metrics: loopback (default; clients on this host only), token (any API token) or public.", valueName: "loopback|token|public"))
    var metricsAccess: String?
    @Option(name: .customLong("token-budget"), help: ArgumentHelp("Scored tokens a day each API token may have scored on /v1/detect and /v1/certificates; 0 is off (default 200000).", valueName: "tokens"))
    var tokenBudget: Int?
    @Option(name: .customLong("address-budget"), help: ArgumentHelp("Scored tokens a day each client address (IPv6: each /64) may have scored without a token; 0 is off (default 50000).", valueName: "tokens"))
    var addressBudget: Int?

    public init() {}

    public func validate() throws {
        if let problem = options.database.flatMap(DatabaseLocation.commandLineProblem) { throw ValidationError(problem) }
    }

    /// The values given on the command line, by configuration key.
    var arguments: [DaemonConfiguration.Key: ConfigValue] {
        var values: [DaemonConfiguration.Key: ConfigValue] = [:]
        func put(_ key: DaemonConfiguration.Key, _ content: ConfigContent?) {
            if let content { values[key] = ConfigValue(content, isSecret: false) }
        }
        put(.home, options.home.map(ConfigContent.string))
        put(.database, options.database.map(ConfigContent.string))
        put(.host, host.map(ConfigContent.string))
        put(.port, port.map(ConfigContent.int))
        put(.model, model.map(ConfigContent.string))
        put(.publicDetection, publicDetection.map(ConfigContent.bool))
        put(.generation, generation.map(ConfigContent.bool))
        put(.threads, threads.map(ConfigContent.int))
        put(.maxQueued, maxQueued.map(ConfigContent.int))
        put(.rateLimit, rateLimit.map(ConfigContent.double))
        put(.rateBurst, rateBurst.map(ConfigContent.int))
        put(.keySyncInterval, keySyncInterval.map(ConfigContent.double))
        put(.metricsAccess, metricsAccess.map(ConfigContent.string))
        put(.tokenBudget, tokenBudget.map(ConfigContent.int))
        put(.addressBudget, addressBudget.map(ConfigContent.int))
        return values
    }

    /// The settings this command runs with, given the process environment.
    public func resolvedConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) async throws(DaemonConfigurationError) -> DaemonConfiguration {
        try await DaemonConfiguration.load(arguments: arguments, environment: environment,
                                           configFile: options.configFile ?? environment["GREENMARK_CONFIG"].flatMap { $0.isEmpty ? nil : $0 })
    }

    public func run() async throws {
        let config = try await resolvedConfiguration()
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
                throw GreenmarkError(.masterKeyRequired, "a PostgreSQL registry shares the keys sealed under a master key; set \(MasterKey.fileEnvironmentVariable) (see docs/scale-out.md)")
            }
            let sync = KeySync(home: config.home, registry: registry, interval: .milliseconds(Int(config.keySyncInterval * 1000)), masterKey: masterKey)
            try sync.startUp()
            // The files taken from the registry must open with this daemon's master key.
            try Self.checkSecrets(home: config.home, masterKey: masterKey)
            keySync = sync
        }
        let services = GreenmarkServices(home: config.home, tokenizer: tokenizer, registry: registry,
                                         publicDetection: config.publicDetection, model: llama,
                                         gate: GenerationGate(maxActive: 1, maxQueued: config.maxQueued),
                                         rateLimit: config.rateLimitPolicy, masterKey: masterKey, keySync: keySync,
                                         metricsAccess: config.metricsAccess,
                                         budget: config.budgetPolicy)
        let syncLoop = keySync.map { sync in Task { await sync.run() } }
        defer { syncLoop?.cancel() }
        let refresher = keySync == nil ? TrustRefresher(home: config.home, masterKey: masterKey, interval: .seconds(3_600)) : nil
        refresher?.refreshOnce()
        let refreshLoop = refresher.map { r in Task { try? await Task.sleep(for: r.interval); await r.run() } }
        defer { refreshLoop?.cancel() }
        try await GreenmarkApplication.make(services: services, host: config.host, port: config.port).runService()
    }

    /// Refuses to start when the master key cannot serve the home: the configuration is unusable
    /// (malformed, a group-readable key file, both variables set), or a sealed secret file needs a
    /// master key that is missing or another one. The error names the file, the code and the
    /// environment variables, never key material.
    static func checkSecrets(home: String, masterKey: MasterKeySource) throws {
        do { _ = try masterKey.masterKey() } catch let error as CryptoError {
            throw GreenmarkError(.init(rawValue: error.code.rawValue), "master key: \(error.reason)")
        }
        let keyring = KeyringStore(directory: home, masterKey: masterKey)
        if keyring.exists {
            do { _ = try keyring.load() } catch let error as GreenmarkError where SecretsStatus.isUnsealingFailure(error.code.rawValue) { throw error } catch {}
        }
        let signing = SigningKeyStore(directory: home, masterKey: masterKey)
        if signing.exists {
            do { _ = try signing.activeIssuer() } catch let error as CertificateError where SecretsStatus.isUnsealingFailure(error.code.rawValue) { throw error } catch {}
        }
        if FileManager.default.fileExists(atPath: home + "/" + LogKey.fileName) {
            do { _ = try LogKey.loadOrCreate(directory: home, masterKey: masterKey) } catch let error as TransparencyError where SecretsStatus.isUnsealingFailure(error.code.rawValue) {
                throw error
            } catch {}
        }
    }
}
