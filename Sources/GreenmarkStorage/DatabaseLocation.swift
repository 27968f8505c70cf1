import Foundation

/// Where a registry lives: an SQLite file path, or a PostgreSQL URI
/// (`postgresql://user@host:port/db?sslmode=...`, libpq's syntax).
public struct DatabaseLocation: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case sqlite
        case postgres
    }

    public let kind: Kind
    /// The path or the URI as given (a URI may hold a password: never log or display it).
    let value: String

    /// Parses `value`. URIs (`postgres://` or `postgresql://`) are PostgreSQL, anything else a path.
    public init(_ value: String) throws(StorageError) {
        let lower = value.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            guard URLComponents(string: value) != nil else {
                throw StorageError(.invalidLocation, "\(Self.redact(value)) is not a PostgreSQL URI (postgresql://user@host:port/database)")
            }
            kind = .postgres
        } else {
            guard !value.isEmpty, !value.contains("://") else {
                throw StorageError(.invalidLocation, "the database must be a file path or a postgresql:// URI, not \(Self.redact(value))")
            }
            kind = .sqlite
        }
        self.value = value
    }

    /// Whether the location carries a password in any form libpq reads: `user:password@` in the
    /// authority, a `password=` or `sslpassword=` query parameter (its name percent-encoded or not,
    /// in any case), or a `password=` keyword of a key/value connection string. Passwords belong
    /// in `PGPASSWORD`, a `.pgpass` file or the configuration file, never on a command line (where
    /// `ps` shows them).
    public var hasPassword: Bool { Self.redact(value) != value }

    /// Why `value`, given as `--database` on a command line, must be refused, or nil: it carries a
    /// password in any form (`hasPassword`; anyone can read a command line through `ps` and
    /// `/proc`). Shared by `greenmark` and `greenmarkd`. Decided on the text alone, so a value that
    /// is not even a valid location is refused too when it holds a password.
    public static func commandLineProblem(_ value: String) -> String? {
        guard redact(value) != value else { return nil }
        return
            "--database must not contain a password (anyone can read a command line); put it in PGPASSWORD, ~/.pgpass, GREENMARK_DATABASE or greenmarkd's --config file"
    }

    /// The location with every password replaced by `***`: what errors and logs show.
    public var redacted: String { Self.redact(value) }

    /// Query parameters and connection-string keywords whose values are secrets (libpq's
    /// `password` and the client key's `sslpassword`).
    static let secretParameters: Set<String> = ["password", "sslpassword"]

    /// `value` with every password replaced by `***`, parsed by hand (not by `URLComponents`,
    /// which gives up on forms libpq accepts, such as several hosts, and would then show the
    /// string unredacted): the userinfo password of any `scheme://user:password@host` (up to the
    /// last `@` before the query), every `password`/`sslpassword` query parameter, and every
    /// `password=`/`sslpassword=` keyword of a key/value connection string.
    public static func redact(_ value: String) -> String {
        var text = value
        // 1. user:password@ in the authority of any URI.
        if let scheme = text.range(of: "://") {
            let queryStart = text[scheme.upperBound...].firstIndex(where: { $0 == "?" || $0 == "#" }) ?? text.endIndex
            if let at = text[scheme.upperBound..<queryStart].lastIndex(of: "@"),
                let colon = text[scheme.upperBound..<at].firstIndex(of: ":"), text.index(after: colon) < at
            {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        // 2. password parameters of the query.
        if let scheme = text.range(of: "://"), let question = text[scheme.upperBound...].firstIndex(of: "?") {
            let queryStart = text.index(after: question)
            let queryEnd = text[queryStart...].firstIndex(of: "#") ?? text.endIndex
            let parameters = text[queryStart..<queryEnd].split(separator: "&", omittingEmptySubsequences: false).map { parameter -> String in
                let name = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
                let decoded = (String(name).removingPercentEncoding ?? String(name)).lowercased().trimmingCharacters(in: .whitespaces)
                return secretParameters.contains(decoded) && parameter.contains("=") ? name + "=***" : String(parameter)
            }
            text.replaceSubrange(queryStart..<queryEnd, with: parameters.joined(separator: "&"))
        } else if !text.contains("://") {
            // 3. key=value connection strings (`host=db password=secret`, values maybe quoted).
            text = text.replacing(/(?i)((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'?|\S*)/) { $0.output.1 + "***" }
        }
        return text
    }
}
