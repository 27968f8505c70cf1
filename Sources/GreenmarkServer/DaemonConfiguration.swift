import Configuration
import Foundation
import GreenmarkCore
import GreenmarkKeys
import SystemPackage

/// The settings of `greenmarkd serve`, resolved with swift-configuration from (highest precedence
/// first) the command line, the environment (`GREENMARK_*`) and a JSON configuration file, then
/// the built-in defaults. `docs/daemon.md` lists every key.
public struct DaemonConfiguration: Sendable, Equatable {
    /// Greenmark home: keyring, signing keys, trust files and (by default) the registry.
    public var home: String = GreenmarkHome.defaultDirectory
    /// The registry: an SQLite path or a PostgreSQL URI (docs/scale-out.md); nil means
    /// `HOME/registry.sqlite`.
    public var database: String?
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// GGUF model; nil means the installed default.
    public var model: String?
    /// Serve `/v1/detect` and `/v1/certificates/verify` without a token.
    public var publicDetection = false
    /// Load the weights and serve generation (false: vocabulary only).
    public var generation = true
    /// llama.cpp threads per generation.
    public var threads = 1
    /// Generations that may wait for the model before new ones get 503.
    public var maxQueued = 4
    /// Generations decoded together in one batch (the scheduler's sequences); more wait in the queue.
    public var maxConcurrent = 4
    /// Most context tokens (prompt + output + 1) one generation may use; the KV cache holds
    /// `maxConcurrent × maxContext` tokens (about 23 KB each for SmolLM2: 94 MB at the defaults).
    public var maxContext = 1_024
    /// Sustained requests per second per token (or per client address without a token); 0 turns the limiter off.
    public var rateLimit: Double = 0
    /// Requests a token may send at once before the sustained rate applies; nil means one second's worth.
    public var rateBurst: Int?
    /// Seconds between looks for key changes made through other daemons sharing a PostgreSQL registry.
    public var keySyncInterval: Double = 2
    /// Who may read `/metrics`: loopback clients only (the default), any API token, or anyone.
    public var metricsAccess: MetricsAccess = .loopback
    /// Scored tokens a day each API token may have scored on the detection routes; 0 turns it off.
    public var tokenBudget = ScoringBudget.Policy.default.perToken ?? 0
    /// Scored tokens a day each client address (IPv6: each /64) may have scored without a token; 0 turns it off.
    public var addressBudget = ScoringBudget.Policy.default.perAddress ?? 0
    /// Seconds after SIGTERM that requests still open may take before they are cut and the
    /// process exits; running generations get half of it (at most 10 s) before they are cancelled.
    public var drainTimeout: Double = 20

    public init() {}

    /// Largest `max_concurrent` (`BatchScheduler.Limits.maximumConcurrent`).
    public static let maximumConcurrent = 64
    /// Largest `max_context`; the model's trained context caps it further.
    public static let maximumContext = 131_072

    /// The configuration keys, as written in the JSON file; the environment variable is
    /// `GREENMARK_` + the key in upper case.
    public enum Key: String, CaseIterable, Sendable {
        case home, database, host, port, model, threads
        case publicDetection = "public_detection"
        case generation
        case maxQueued = "max_queued"
        case maxConcurrent = "max_concurrent"
        case maxContext = "max_context"
        case rateLimit = "rate_limit"
        case rateBurst = "rate_burst"
        case keySyncInterval = "key_sync_interval"
        case metricsAccess = "metrics_access"
        case tokenBudget = "token_budget"
        case addressBudget = "address_budget"
        case drainTimeout = "drain_timeout"

        /// The environment variable that sets this key.
        public var environmentVariable: String { "GREENMARK_" + rawValue.uppercased() }
    }

    /// The limiter policy these settings ask for, or nil when rate limiting is off.
    public var rateLimitPolicy: RateLimiter.Policy? {
        guard rateLimit > 0 else { return nil }
        return RateLimiter.Policy(ratePerSecond: rateLimit, burst: rateBurst ?? max(1, Int(rateLimit.rounded(.up))))
    }

    /// How long after SIGTERM any request may still be open: then it is cut and the process exits.
    public var drainBound: Duration { .milliseconds(Int64((drainTimeout * 1000).rounded())) }

    /// How long a generation running at SIGTERM may still take before it is cancelled: half the
    /// drain bound, at most 10 s, so its client still gets the receipt of a cut-short generation.
    public var generationGrace: Duration { min(.seconds(10), drainBound / 2) }

    /// The scoring budgets these settings ask for, or nil when both are off.
    public var budgetPolicy: ScoringBudget.Policy? {
        guard tokenBudget > 0 || addressBudget > 0 else { return nil }
        return ScoringBudget.Policy(perToken: tokenBudget > 0 ? tokenBudget : nil, perAddress: addressBudget > 0 ? addressBudget : nil)
    }

    /// Resolves the settings from values given on the command line (`arguments`, keyed by
    /// configuration key; absent keys fall through), the environment, and the JSON file at
    /// `configFile` (when given, it must exist).
    public static func load(
        arguments: [Key: ConfigValue] = [:], environment: [String: String] = ProcessInfo.processInfo.environment,
        configFile: String? = nil
    ) async throws(DaemonConfigurationError) -> DaemonConfiguration {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(
                name: "command line",
                values: Dictionary(uniqueKeysWithValues: arguments.map { (AbsoluteConfigKey([$0.key.rawValue]), $0.value) })),
            EnvironmentVariablesProvider(environmentVariables: environment.filter { $0.key.hasPrefix("GREENMARK_") }).prefixKeys(with: "greenmark"),
        ]
        if let configFile {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(configFile)))
            } catch {
                throw DaemonConfigurationError(.unreadableFile, "cannot read the configuration file \(configFile): \(error)")
            }
        }
        return try DaemonConfiguration(reader: ConfigReader(providers: providers))
    }

    init(reader: ConfigReader) throws(DaemonConfigurationError) {
        let values = Values(reader: reader)
        if let v = try values.string(.home), !v.isEmpty { home = v }
        database = try values.string(.database)
        if let v = try values.string(.host) { host = v }
        if let v = try values.int(.port) { port = v }
        model = try values.string(.model)
        if let v = try values.bool(.publicDetection) { publicDetection = v }
        if let v = try values.bool(.generation) { generation = v }
        if let v = try values.int(.threads) { threads = v }
        if let v = try values.int(.maxQueued) { maxQueued = v }
        if let v = try values.int(.maxConcurrent) { maxConcurrent = v }
        if let v = try values.int(.maxContext) { maxContext = v }
        if let v = try values.double(.rateLimit) { rateLimit = v }
        rateBurst = try values.int(.rateBurst)
        if let v = try values.double(.keySyncInterval) { keySyncInterval = v }
        if let v = try values.string(.metricsAccess) {
            guard let access = MetricsAccess(rawValue: v) else {
                throw DaemonConfigurationError(.invalidValue, "metrics_access must be loopback, token or public, not \"\(v.prefix(40))\"")
            }
            metricsAccess = access
        }
        if let v = try values.int(.tokenBudget) { tokenBudget = v }
        if let v = try values.int(.addressBudget) { addressBudget = v }
        if let v = try values.double(.drainTimeout) { drainTimeout = v }
        try validate()
    }

    /// Checks ranges; the messages name the key.
    public func validate() throws(DaemonConfigurationError) {
        func check(_ ok: Bool, _ key: Key, _ rule: String) throws(DaemonConfigurationError) {
            let flag = "--" + key.rawValue.replacingOccurrences(of: "_", with: "-")
            if !ok { throw DaemonConfigurationError(.outOfRange, "\(key.rawValue) (\(flag), \(key.environmentVariable)) must be \(rule)") }
        }
        try check((1...65535).contains(port), .port, "in 1...65535")
        try check(threads >= 1, .threads, ">= 1")
        try check(maxQueued >= 0, .maxQueued, ">= 0")
        try check((1...Self.maximumConcurrent).contains(maxConcurrent), .maxConcurrent, "in 1...\(Self.maximumConcurrent)")
        try check((64...Self.maximumContext).contains(maxContext), .maxContext, "in 64...\(Self.maximumContext) tokens")
        try check(rateLimit >= 0 && rateLimit.isFinite, .rateLimit, ">= 0 (0 turns rate limiting off)")
        try check((rateBurst ?? 1) >= 1, .rateBurst, ">= 1")
        try check(keySyncInterval >= 0.1 && keySyncInterval <= 3600, .keySyncInterval, "between 0.1 and 3600 seconds")
        try check(drainTimeout >= 1 && drainTimeout <= 3600, .drainTimeout, "between 1 and 3600 seconds")
        let budgetRule = "0 (off) or at least \(ScoringBudget.minimumCharge) scored tokens a day"
        try check(tokenBudget == 0 || tokenBudget >= ScoringBudget.minimumCharge, .tokenBudget, budgetRule)
        try check(addressBudget == 0 || addressBudget >= ScoringBudget.minimumCharge, .addressBudget, budgetRule)
    }

    /// Typed reads that refuse a present but unconvertible value instead of silently using the default.
    private struct Values {
        let reader: ConfigReader

        func string(_ key: Key) throws(DaemonConfigurationError) -> String? { reader.string(forKey: ConfigKey(key.rawValue)) }
        func int(_ key: Key) throws(DaemonConfigurationError) -> Int? { try typed(key, "an integer") { reader.int(forKey: ConfigKey(key.rawValue)) } }
        func double(_ key: Key) throws(DaemonConfigurationError) -> Double? {
            try typed(key, "a number") { reader.double(forKey: ConfigKey(key.rawValue)) }
        }
        func bool(_ key: Key) throws(DaemonConfigurationError) -> Bool? {
            try typed(key, "true or false") { reader.bool(forKey: ConfigKey(key.rawValue)) }
        }

        private func typed<T>(_ key: Key, _ what: String, _ read: () -> T?) throws(DaemonConfigurationError) -> T? {
            if let value = read() { return value }
            if let raw = reader.string(forKey: ConfigKey(key.rawValue)) {
                throw DaemonConfigurationError(.invalidValue, "\(key.rawValue) must be \(what), not \"\(raw)\"")
            }
            return nil
        }
    }
}
