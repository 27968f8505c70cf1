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

    var resolvedHome: String { GreenmarkHome.resolve(explicit: home) }
    var resolvedDatabase: String { database ?? resolvedHome + "/registry.sqlite" }

    func registry() throws -> Registry {
        try FileManager.default.createDirectory(atPath: resolvedHome, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return try Registry(path: resolvedDatabase)
    }
}

/// `greenmarkd serve`: run the HTTP server until SIGTERM or SIGINT (in-flight requests finish).
public struct Serve: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "Run the HTTP server (the default).")
    @OptionGroup var options: DaemonOptions
    @Option(help: "Address to bind.") var host: String = "127.0.0.1"
    @Option(help: "Port to bind.") var port: Int = 8080
    @Option(help: ArgumentHelp("GGUF model whose tokenizer scores texts.", valueName: "path")) var model: String?

    public init() {}

    public func run() async throws {
        let tokenizer = try LlamaTokenizer(modelPath: ModelLocator.resolve(explicit: model))
        let services = GreenmarkServices(home: options.resolvedHome, tokenizer: tokenizer, registry: try options.registry())
        try await GreenmarkApplication.make(services: services, host: host, port: port).runService()
    }
}

/// `greenmarkd token`: API tokens (shown once, stored as hashes).
public struct TokenCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "token", abstract: "Create and revoke API tokens.",
                                                           subcommands: [Create.self, Revoke.self, List.self])
    public init() {}

    public struct Create: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")
        @OptionGroup var options: DaemonOptions
        @Option(help: "reader, issuer or admin.") var role: String
        @Option(name: .customLong("expires-in"), help: "Lifetime in seconds (default: no expiry).") var expiresIn: Int?
        public init() {}

        public func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be reader, issuer or admin") }
            if let expiresIn, expiresIn <= 0 { throw ValidationError("--expires-in must be positive") }
        }

        public func run() throws {
            let registry = try options.registry()
            let (id, token) = try registry.createToken(role: Role(rawValue: role)!, expiresAt: expiresIn.map { Date().addingTimeInterval(Double($0)) })
            try registry.audit(actor: "cli", action: "tokens.create", detail: "\(id) \(role)")
            print("id:    \(id)\ntoken: \(token)\n(the token is shown once; store it now)")
        }
    }

    public struct Revoke: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "Revoke a token at once.")
        @OptionGroup var options: DaemonOptions
        @Argument(help: "Token id (tok-...).") var id: String
        public init() {}

        public func run() throws {
            let registry = try options.registry()
            guard try registry.revokeToken(id: id) else { throw ValidationError("no live token with id \(id)") }
            try registry.audit(actor: "cli", action: "tokens.revoke", detail: id)
            print("Revoked \(id)")
        }
    }

    public struct List: ParsableCommand {
        public static let configuration = CommandConfiguration(abstract: "List tokens (never the secrets).")
        @OptionGroup var options: DaemonOptions
        public init() {}

        public func run() throws {
            for t in try options.registry().tokens() {
                print("\(t.id)  \(t.role.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) created \(t.createdAt)"
                      + (t.expiresAt.map { " expires \($0)" } ?? "") + (t.revokedAt.map { " REVOKED \($0)" } ?? ""))
            }
        }
    }
}
