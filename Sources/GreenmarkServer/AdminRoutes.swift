import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkStorage
import Hummingbird

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

struct RevokeBody: Decodable {
    let keyID: String
    let compromisedSince: String

    enum CodingKeys: String, CodingKey {
        case keyID = "key_id"
        case compromisedSince = "compromised_since"
    }
}

struct AuditResponse: ResponseEncodable {
    let entries: [AuditEntry]
}

struct DisclosuresResponse: ResponseEncodable {
    let disclosedKeys: [DisclosedKey]

    enum CodingKeys: String, CodingKey {
        case disclosedKeys = "disclosed_keys"
    }
}

extension DisclosedKey: ResponseEncodable {}

extension GreenmarkRoutes {
    /// Key administration: the same operations as the CLI, each written to the audit log.
    static func addAdminRoutes(_ router: Router<GreenmarkRequestContext>, services: GreenmarkServices) {
        router.get("/v1/admin/keys") { _, context -> KeysResponse in
            _ = try context.require(.admin)
            return try keysView(services)
        }

        router.post("/v1/admin/keys/rotate") { _, context -> KeysResponse in
            let principal = try context.require(.admin)
            let key = try await services.changingKeys { held in
                let key = try services.keyring.modify(holding: held) { ring throws(GreenmarkError) in try ring.rotated() }
                try republish(services, holding: held)
                return key
            }
            try services.registry.audit(actor: principal.id, action: "keys.rotate", detail: "new primary \(key.id)")
            return try keysView(services)
        }

        // Delayed key disclosure (docs/key-disclosure.md): a disabled key's secret is published and
        // the key can never watermark or detect again.
        router.post("/v1/admin/keys/{id}/disclose") { _, context -> DisclosedKey in
            let principal = try context.require(.admin)
            let id = try context.parameters.require("id")
            let disclosure = try await services.changingKeys { held in
                try services.keyring.modify(holding: held) { ring throws(GreenmarkError) in try ring.disclosing(id) }
            }
            try services.registry.audit(actor: principal.id, action: "keys.disclose", detail: "\(id) commitment \(disclosure.commitment)")
            return disclosure
        }

        // Public: every disclosed key, for anyone auditing certificates (`greenmark audit --disclosed-key`).
        router.get("/v1/keys/disclosed") { _, _ -> DisclosuresResponse in
            DisclosuresResponse(disclosedKeys: try services.currentKeyring().disclosures)
        }

        router.post("/v1/admin/keys/{id}/{action}") { _, context -> KeysResponse in
            let principal = try context.require(.admin)
            let id = try context.parameters.require("id")
            let action = try context.parameters.require("action")
            let state: KeyState
            switch action {
            case "promote": state = .primary
            case "enable": state = .enabled
            case "disable": state = .disabled
            case "destroy": state = .destroyed
            default: throw APIError(.notFound, code: .adminUnknownAction, "unknown key action \(action); use promote, enable, disable, destroy or disclose")
            }
            try await services.changingKeys { held in
                try services.keyring.modify(holding: held) { ring throws(GreenmarkError) in (try ring.setting(id, to: state), ()) }
                try republish(services, holding: held)
            }
            try services.registry.audit(actor: principal.id, action: "keys.\(action)", detail: id)
            return try keysView(services)
        }

        router.post("/v1/admin/signing/revoke") { request, context -> KeysResponse in
            let principal = try context.require(.admin)
            let body = try await decode(RevokeBody.self, request, context)
            guard let since = Timestamp.parse(body.compromisedSince) else {
                throw APIError(.badRequest, code: .invalidTime, "compromised_since must look like 2026-11-29T00:00:00Z")
            }
            try await services.changingKeys { held in
                // Read under the lock, so the new trusted root carries the watermark keys as they are now.
                let watermarkKeys = services.keyring.exists ? try services.keyring.load().keys : []
                _ = try services.signing.revokeIssuer(body.keyID, compromisedSince: since, watermarkKeys: watermarkKeys, holding: held)
            }
            try services.registry.audit(actor: principal.id, action: "signing.revoke", detail: "\(body.keyID) since \(body.compromisedSince)")
            return try keysView(services)
        }

        router.get("/v1/admin/audit") { _, context -> AuditResponse in
            _ = try context.require(.admin)
            return AuditResponse(entries: try services.registry.auditLog(limit: 200))
        }
    }

    static func keysView(_ services: GreenmarkServices) throws -> KeysResponse {
        let ring = try services.keyring.load()
        // The newest trusted root that chains from the daemon's root key (`TrustState`), never an
        // unverified trusted-root.json.
        let body: TrustedRoot.Body? = if case .chained(let chain) = services.trust.current() { chain.newestBody } else { nil }
        return KeysResponse(
            watermarkKeys: ring.keys.map { KeyView(id: $0.id, state: $0.state.rawValue, scheme: $0.scheme, vocabulary: $0.vocabulary, createdAt: $0.createdAt) },
            issuingKeys: body?.issuingKeys ?? [], trustedRootVersion: body?.version
        )
    }

    /// Publishes the watermark keys' new states in a new trusted-root version, when signing keys
    /// exist; the caller holds the home lock (`held`) across the keyring change and this.
    static func republish(_ services: GreenmarkServices, holding held: HomeLock.Held) throws {
        guard services.signing.exists else { return }
        let keys = try services.keyring.load().keys
        _ = try services.signing.republish(watermarkKeys: keys, holding: held)
    }
}
