import Foundation

/// A certificate as the registry keeps it: searchable fields plus the exact certificate bytes.
public struct CertificateRecord: Sendable, Equatable {
    public let id: String
    public let kind: String
    public let subjectSHA256: String
    public let issuerKeyID: String
    public let watermarkKeyID: String?
    public let issuedAt: String
    public let bytes: [UInt8]

    public init(id: String, kind: String, subjectSHA256: String, issuerKeyID: String, watermarkKeyID: String?, issuedAt: String, bytes: [UInt8]) {
        self.id = id
        self.kind = kind
        self.subjectSHA256 = subjectSHA256
        self.issuerKeyID = issuerKeyID
        self.watermarkKeyID = watermarkKeyID
        self.issuedAt = issuedAt
        self.bytes = bytes
    }
}

/// One administrative action.
public struct AuditEntry: Sendable, Codable, Equatable {
    public let sequence: Int64
    public let at: String
    public let actor: String
    public let action: String
    public let detail: String
}

/// What an API token may do; each role includes the ones before it.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    /// Detect and verify.
    case verify
    /// Also generate and certify.
    case stamp
    /// Also manage keys.
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// An API token's public record (the token itself is only ever stored as a SHA-256 hash).
public struct TokenRecord: Sendable, Codable, Equatable {
    public let id: String
    public let role: Role
    public let createdAt: String
    public let expiresAt: String?
    public let revokedAt: String?
}

/// A key file shared through the registry (docs/scale-out.md): a file of a Greenmark home, by
/// its path relative to the home, with a version that every change increments.
public struct KeyFileRecord: Sendable, Equatable {
    /// Path relative to the home, e.g. `keyring.json` or `trust/trusted-root.json`.
    public let name: String
    /// 1 for the first copy stored, then one more per change.
    public let version: Int64
    /// The file's exact bytes (secret files are sealed under the master key before they get here).
    public let bytes: [UInt8]

    public init(name: String, version: Int64, bytes: [UInt8]) {
        self.name = name
        self.version = version
        self.bytes = bytes
    }
}

/// One change to a shared key file: the new bytes, and the version they replace (nil: a new name).
public struct KeyFileChange: Sendable, Equatable {
    public let name: String
    public let bytes: [UInt8]
    public let expectedVersion: Int64?

    public init(name: String, bytes: [UInt8], expectedVersion: Int64?) {
        self.name = name
        self.bytes = bytes
        self.expectedVersion = expectedVersion
    }
}
