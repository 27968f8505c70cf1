import ArgumentParser
import Foundation
import GreenmarkCore
import GreenmarkModel
import GreenmarkStorage
import Hummingbird

/// Options shared by the daemon's commands.
public struct DaemonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Greenmark home (default: $GREENMARK_HOME, else ./keys).", valueName: "dir")) var home: String?
    @Option(help: ArgumentHelp("SQLite registry (default: HOME/registry.sqlite).", valueName: "path")) var database: String?

    public init() {}

    public var resolvedHome: String { GreenmarkHome.resolve(explicit: home) }
    public func registry() throws -> Registry { try Registry.open(home: resolvedHome, database: database) }
}

/// `greenmarkd serve`: run the HTTP server until SIGTERM or SIGINT (in-flight requests finish).
public struct Serve: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "Run the HTTP server (the default).")
    @OptionGroup var options: DaemonOptions
    @Option(help: "Address to bind.") var host: String = "127.0.0.1"
    @Option(help: "Port to bind.") var port: Int = 8080
    @Option(help: ArgumentHelp("GGUF model whose tokenizer scores texts.", valueName: "path")) var model: String?
    @Flag(name: .customLong("public-detection"), help: "Serve /v1/detect and /v1/certificates/verify without a token.")
    var publicDetection = false
    @Flag(name: .customLong("no-generation"), help: "Load only the tokenizer (no weights): detection and certificates, no generation.")
    var noGeneration = false
    @Option(help: "CPU threads per generation.") var threads: Int = 1
    @Option(name: .customLong("max-queued"), help: "Generations waiting for the model before new ones get 503.") var maxQueued: Int = 4

    public init() {}

    public func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be in 1...65535") }
        guard threads >= 1, maxQueued >= 0 else { throw ValidationError("--threads must be >= 1 and --max-queued >= 0") }
    }

    public func run() async throws {
        ServerMetrics.bootstrap()
        let path = try ModelLocator.resolve(explicit: model)
        let llama = noGeneration ? nil : try LlamaModel(path: path, threads: threads)
        let tokenizer = try llama?.tokenizer ?? LlamaTokenizer(modelPath: path)
        let services = GreenmarkServices(home: options.resolvedHome, tokenizer: tokenizer, registry: try options.registry(),
                                         publicDetection: publicDetection, model: llama,
                                         gate: GenerationGate(maxActive: 1, maxQueued: maxQueued))
        try await GreenmarkApplication.make(services: services, host: host, port: port).runService()
    }
}
