import ArgumentParser
import Foundation
import GreenmarkCore
import GreenmarkKeys
import GreenmarkStorage

/// `greenmark tokens`: API tokens for greenmarkd (shown once, stored as SHA-256 hashes).
struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and revoke greenmarkd API tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")
        @OptionGroup var options: RegistryOptions
        @Option(help: "verify (detect, verify), stamp (also generate, certify) or admin (also keys; always inspects).") var role: String
        @Flag(
            help:
                "Also let the token inspect detections: per-token colours, key and span-search choice, scores of unwatermarked texts. Enough to forge the watermark; give it only to people you would trust with the key (docs/threat-model.md)."
        )
        var inspect = false
        @Option(name: .customLong("expires-in"), help: "Lifetime in seconds (default: no expiry).") var expiresIn: Int?

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be verify, stamp or admin") }
            if let expiresIn, expiresIn <= 0 { throw ValidationError("--expires-in must be positive") }
        }

        func run() throws {
            let registry = try options.registry()
            let permissions: Set<Permission> = inspect ? [.inspect] : []
            let (id, token) = try registry.createToken(
                role: Role(rawValue: role)!, expiresAt: expiresIn.map { Date().addingTimeInterval(Double($0)) },
                permissions: permissions)
            try registry.audit(actor: "cli", action: "tokens.create", detail: "\(id) \(role)" + (inspect ? " +inspect" : ""))
            print("id:    \(id)\ntoken: \(token)\n(the token is shown once; store it now)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never the secrets).")
        @OptionGroup var options: RegistryOptions

        func run() throws {
            for t in try options.registry().tokens() {
                let permissions = TokenRecord.encode(t.permissions)
                print(
                    "\(t.id)  \(t.role.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0))"
                        + (permissions.isEmpty ? "" : " +" + permissions.replacingOccurrences(of: ",", with: " +")) + " created \(t.createdAt)"
                        + (t.expiresAt.map { " expires \($0)" } ?? "") + (t.revokedAt.map { " REVOKED \($0)" } ?? ""))
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token; it stops working at once.")
        @OptionGroup var options: RegistryOptions
        @Argument(help: "Token id (tok-...).") var id: String

        func run() throws {
            let registry = try options.registry()
            guard try registry.revokeToken(id: id) else { throw ValidationError("no live token with id \(id)") }
            try registry.audit(actor: "cli", action: "tokens.revoke", detail: id)
            print("Revoked \(id)")
        }
    }
}

/// Where the registry is: `--home` (or $GREENMARK_HOME, else ./keys) and `--database` (or
/// $GREENMARK_DATABASE, the daemon's variable): an SQLite file or a PostgreSQL URI.
struct RegistryOptions: ParsableArguments {
    @OptionGroup var home: HomeOptions
    @Option(
        help: ArgumentHelp(
            "Registry: an SQLite file (default: $GREENMARK_DATABASE, else HOME/registry.sqlite) or a postgresql:// URI without a password (give it in PGPASSWORD or ~/.pgpass).",
            valueName: "path-or-uri"))
    var database: String?

    func validate() throws {
        if let problem = database.flatMap(DatabaseLocation.commandLineProblem) { throw ValidationError(problem) }
    }

    func registry() throws -> Registry {
        let fromEnvironment = ProcessInfo.processInfo.environment["GREENMARK_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
        return try Registry.open(home: GreenmarkHome.resolve(explicit: home.home), database: database ?? fromEnvironment)
    }
}
