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

    /// Whether the URI carries a password. Passwords belong in `PGPASSWORD`, a `.pgpass` file or
    /// the configuration file, never on a command line (where `ps` shows them).
    public var hasPassword: Bool {
        kind == .postgres && URLComponents(string: value)?.password != nil
    }

    /// Why `value`, given as `--database` on a command line, must be refused, or nil: a URI with a
    /// password (anyone can read a command line through `ps` and `/proc`). Shared by `greenmark`
    /// and `greenmarkd`.
    public static func commandLineProblem(_ value: String) -> String? {
        guard (try? DatabaseLocation(value))?.hasPassword == true else { return nil }
        return "--database must not contain a password (anyone can read a command line); put it in PGPASSWORD, ~/.pgpass, GREENMARK_DATABASE or greenmarkd's --config file"
    }

    /// The location with any password replaced by `***`: what errors and logs show.
    public var redacted: String { Self.redact(value) }

    static func redact(_ value: String) -> String {
        guard var c = URLComponents(string: value), c.password != nil else { return value }
        c.password = "***"
        return c.string ?? "postgresql://***"
    }
}
