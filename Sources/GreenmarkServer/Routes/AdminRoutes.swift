import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkStorage
import Hummingbird

/// Key administration under `/v1/admin` (the admin role, once for the group): the same operations
/// as the CLI, each written to the audit log.
struct AdminRoutes: RouteArea {
    let services: AdminServices

    var routes: RouteCollection<GreenmarkRequestContext> {
        let routes = RouteCollection(context: GreenmarkRequestContext.self)
        let admin = routes.group("/v1/admin").add(middleware: RoleMiddleware(.admin))
        admin.get("keys") { _, _ in try keysView() }
        admin.post("keys/rotate") { _, context in try await rotate(context) }
        // Delayed key disclosure (docs/key-disclosure.md): a disabled key's secret is published and
        // the key can never watermark or detect again.
        admin.post("keys/{id}/disclose") { _, context in try await disclose(context) }
        admin.post("keys/{id}/{action}") { _, context in try await setState(context) }
        admin.post("signing/revoke") { request, context in try await revoke(request, context) }
        admin.get("audit") { _, _ in try await audit() }
        return routes
    }

    func rotate(_ context: GreenmarkRequestContext) async throws -> KeysResponse {
        let principal = try context.authenticated()
        let key = try await services.changingKeys { [services] held in
            let key = try services.keyring.modify(holding: held) { ring throws(GreenmarkError) in try ring.rotated() }
            try services.republish(holding: held)
            return key
        }
        try await services.audit(actor: principal.id, action: "keys.rotate", detail: "new primary \(key.id)")
        return try keysView()
    }

    func disclose(_ context: GreenmarkRequestContext) async throws -> DisclosedKey {
        let principal = try context.authenticated()
        let id = try context.parameters.require("id")
        let disclosure = try await services.changingKeys { [services] held in
            try services.keyring.modify(holding: held) { ring throws(GreenmarkError) in try ring.disclosing(id) }
        }
        try await services.audit(actor: principal.id, action: "keys.disclose", detail: "\(id) commitment \(disclosure.commitment)")
        return disclosure
    }

    func setState(_ context: GreenmarkRequestContext) async throws -> KeysResponse {
        let principal = try context.authenticated()
        let id = try context.parameters.require("id")
        let action = try context.parameters.require("action")
        let state: KeyState
        switch action {
        case "promote": state = .primary
        case "enable": state = .enabled
        case "disable": state = .disabled
        case "destroy": state = .destroyed
        default:
            throw APIError(.notFound, code: .adminUnknownAction, "unknown key action \(action); use promote, enable, disable, destroy or disclose")
        }
        try await services.changingKeys { [services] held in
            try services.keyring.modify(holding: held) { ring throws(GreenmarkError) in (try ring.setting(id, to: state), ()) }
            try services.republish(holding: held)
        }
        try await services.audit(actor: principal.id, action: "keys.\(action)", detail: id)
        return try keysView()
    }

    func revoke(_ request: Request, _ context: GreenmarkRequestContext) async throws -> KeysResponse {
        let principal = try context.authenticated()
        let body = try await APIInput.decode(RevokeRequest.self, request, context)
        guard let since = Timestamp.parse(body.compromisedSince) else {
            throw APIError(.badRequest, code: .invalidTime, "compromised_since must look like 2026-11-29T00:00:00Z")
        }
        let keyID = body.keyID
        try await services.changingKeys { [services] held in
            // Read under the lock, so the new trusted root carries the watermark keys as they are now.
            let watermarkKeys = services.keyring.exists ? try services.keyring.load().keys : []
            _ = try services.signing.revokeIssuer(keyID, compromisedSince: since, watermarkKeys: watermarkKeys, holding: held)
        }
        try await services.audit(actor: principal.id, action: "signing.revoke", detail: "\(body.keyID) since \(body.compromisedSince)")
        return try keysView()
    }

    func audit() async throws -> AuditResponse {
        let registry = services.registry
        return AuditResponse(entries: try await offload { try registry.auditLog(limit: 200) })
    }

    /// The keys as they are now: the keyring's, and the issuing keys of the newest trusted root
    /// that chains from the daemon's root key (`TrustState`), never an unverified trusted-root.json.
    func keysView() throws -> KeysResponse {
        let ring = try services.keyring.load()
        let body: TrustedRoot.Body? = if case .chained(let chain) = services.trust.current() { chain.newestBody } else { nil }
        return KeysResponse(
            watermarkKeys: ring.keys.map {
                KeyView(id: $0.id, state: $0.state.rawValue, scheme: $0.scheme, vocabulary: $0.vocabulary, createdAt: $0.createdAt)
            },
            issuingKeys: body?.issuingKeys ?? [], trustedRootVersion: body?.version
        )
    }
}
