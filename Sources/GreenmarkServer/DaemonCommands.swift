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

    public init() {}

    public func run() async throws {
        let tokenizer = try LlamaTokenizer(modelPath: ModelLocator.resolve(explicit: model))
        let services = GreenmarkServices(home: options.resolvedHome, tokenizer: tokenizer, registry: try options.registry(),
                                         publicDetection: publicDetection)
        try await GreenmarkApplication.make(services: services, host: host, port: port).runService()
    }
}
