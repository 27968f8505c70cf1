import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkStorage
import Hummingbird

/// One watermark key in `Keys` (never its secret).
struct KeyView: Codable {
    let id: String
    let state: String
    let scheme: WatermarkScheme
    let vocabulary: String?
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, state, scheme, vocabulary
        case createdAt = "created_at"
    }
}

/// `docs/openapi.yaml`, schema `Keys`: the watermark keys, the issuing keys and the trusted root's version.
struct KeysResponse: ResponseEncodable {
    let watermarkKeys: [KeyView]
    let issuingKeys: [TrustedRoot.IssuingKey]
    let trustedRootVersion: Int?

    enum CodingKeys: String, CodingKey {
        case watermarkKeys = "watermark_keys"
        case issuingKeys = "issuing_keys"
        case trustedRootVersion = "trusted_root_version"
    }
}

/// `docs/openapi.yaml`, schema `RevokeRequest`: the body of `POST /v1/admin/signing/revoke`.
struct RevokeRequest: Decodable {
    let keyID: String
    let compromisedSince: String

    enum CodingKeys: String, CodingKey {
        case keyID = "key_id"
        case compromisedSince = "compromised_since"
    }
}

/// `docs/openapi.yaml`, schema `Audit`: administrative actions, newest first.
struct AuditResponse: ResponseEncodable {
    let entries: [AuditEntry]
}
