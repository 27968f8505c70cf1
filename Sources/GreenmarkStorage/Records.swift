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

/// A capability granted to a token on top of its role (`greenmark tokens create --inspect`).
/// The admin role has every permission.
public enum Permission: String, Sendable, Codable, CaseIterable {
    /// Inspect detections: per-token colours (`include_mask`), the choice of watermark key
    /// (`key_id`) and of span search, and the scores of texts that are not watermarked. This is
    /// what it takes to forge the watermark, so it is never implied by `verify` or `stamp`
    /// (docs/threat-model.md).
    case inspect
}

/// An API token's public record (the token itself is only ever stored as a SHA-256 hash).
public struct TokenRecord: Sendable, Codable, Equatable {
    public let id: String
    public let role: Role
    public let createdAt: String
    public let expiresAt: String?
    public let revokedAt: String?
    /// Permissions granted on top of the role (stored as a comma-separated list; names this
    /// version does not know are ignored, so a newer registry never grants more here).
    public let permissions: Set<Permission>

    public init(id: String, role: Role, createdAt: String, expiresAt: String?, revokedAt: String?, permissions: Set<Permission> = []) {
        self.id = id
        self.role = role
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.permissions = permissions
    }

    /// Whether the token has `permission`: granted explicitly, or through the admin role.
    public func has(_ permission: Permission) -> Bool { role == .admin || permissions.contains(permission) }

    /// The stored form of a permission set: sorted names joined by commas ("" for none).
    public static func encode(_ permissions: Set<Permission>) -> String { permissions.map(\.rawValue).sorted().joined(separator: ",") }

    /// Reads the stored form; unknown names are dropped.
    public static func decodePermissions(_ stored: String?) -> Set<Permission> {
        Set((stored ?? "").split(separator: ",").compactMap { Permission(rawValue: String($0)) })
    }
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
