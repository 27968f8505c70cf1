import ArgumentParser
import Configuration
import Foundation
import GreenmarkServer
import GreenmarkStorage

/// `greenmarkd serve`: run the HTTP server until SIGTERM or SIGINT (in-flight requests finish).
/// Every setting comes from the command line, else `GREENMARK_*`, else the `--config` file, else
/// its default (`DaemonConfiguration`).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (the default).")
    @OptionGroup var options: DaemonOptions
    @Option(help: "Address to bind (default 127.0.0.1).") var host: String?
    @Option(help: "Port to bind (default 8080).") var port: Int?
    @Option(help: ArgumentHelp("GGUF model whose tokenizer scores texts.", valueName: "path")) var model: String?
    @Flag(
        name: .customLong("public-detection"), inversion: .prefixedNo,
        help: "Serve /v1/detect and /v1/certificates/verify without a token (default off).")
    var publicDetection: Bool?
    @Flag(
        name: .customLong("generation"), inversion: .prefixedNo,
        help: "Load the model's weights and serve generation (default on); --no-generation loads only the tokenizer.")
    var generation: Bool?
    @Option(help: "CPU threads per generation (default 1).") var threads: Int?
    @Option(name: .customLong("max-queued"), help: "Generations waiting for the model before new ones get 503 (default 4).")
    var maxQueued: Int?
    @Option(
        name: .customLong("max-concurrent"),
        help: ArgumentHelp("Generations decoded together in one batch; more wait in the queue (default 4, at most 64).", valueName: "n"))
    var maxConcurrent: Int?
    @Option(
        name: .customLong("max-context"),
        help: ArgumentHelp(
            "Context tokens (prompt + output) one generation may use; the KV cache holds max-concurrent × this "
                + "(about 23 KB a token for SmolLM2; default 1024).", valueName: "tokens"))
    var maxContext: Int?
    @Option(
        name: .customLong("rate-limit"),
        help: ArgumentHelp("Requests per second per token or client address; 0 is off (default).", valueName: "per-second"))
    var rateLimit: Double?
    @Option(name: .customLong("rate-burst"), help: ArgumentHelp("Requests a caller may send at once (default: one second's worth).", valueName: "n"))
    var rateBurst: Int?
    @Option(
        name: .customLong("key-sync-interval"),
        help: ArgumentHelp(
            "Seconds between looks for key changes made through other daemons sharing a PostgreSQL registry (default 2).",
            valueName: "seconds"))
    var keySyncInterval: Double?
    @Option(
        name: .customLong("metrics-access"),
        help: ArgumentHelp(
            "Who may read /metrics: loopback (default; clients on this host only), token (any API token) or public.",
            valueName: "loopback|token|public"))
    var metricsAccess: String?
    @Option(
        name: .customLong("token-budget"),
        help: ArgumentHelp(
            "Scored tokens a day each API token may have scored on /v1/detect and /v1/certificates; 0 is off (default 200000).",
            valueName: "tokens"))
    var tokenBudget: Int?
    @Option(
        name: .customLong("address-budget"),
        help: ArgumentHelp(
            "Scored tokens a day each client address (IPv6: each /64) may have scored without a token; "
                + "0 is off (default 50000).", valueName: "tokens"))
    var addressBudget: Int?
    @Option(
        name: .customLong("drain-timeout"),
        help: ArgumentHelp(
            "Seconds after SIGTERM that open requests may take before they are cut and the process exits; "
                + "running generations get half of it, at most 10 (default 20).", valueName: "seconds"))
    var drainTimeout: Double?

    init() {}

    func validate() throws {
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
        put(.maxConcurrent, maxConcurrent.map(ConfigContent.int))
        put(.maxContext, maxContext.map(ConfigContent.int))
        put(.rateLimit, rateLimit.map(ConfigContent.double))
        put(.rateBurst, rateBurst.map(ConfigContent.int))
        put(.keySyncInterval, keySyncInterval.map(ConfigContent.double))
        put(.metricsAccess, metricsAccess.map(ConfigContent.string))
        put(.tokenBudget, tokenBudget.map(ConfigContent.int))
        put(.addressBudget, addressBudget.map(ConfigContent.int))
        put(.drainTimeout, drainTimeout.map(ConfigContent.double))
        return values
    }

    /// The settings this command runs with, given the process environment.
    func resolvedConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws(DaemonConfigurationError) -> DaemonConfiguration
    {
        let configFile = options.configFile ?? environment["GREENMARK_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        return try await DaemonConfiguration.load(arguments: arguments, environment: environment, configFile: configFile)
    }

    func run() async throws {
        try await GreenmarkDaemon.run(try await resolvedConfiguration())
    }
}
