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
