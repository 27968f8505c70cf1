import Foundation
import GreenmarkCore
import GreenmarkKeys
import GreenmarkServer
import GreenmarkStorage
import Hummingbird
import HummingbirdTesting
import Testing

/// Delayed key disclosure through the daemon: an admin discloses a disabled key, anyone can fetch
/// it, and the key can never be enabled, promoted or destroyed again.
@Suite("greenmarkd key disclosure (live server on loopback)")
struct KeyDisclosureRouteTests {
    func parse(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }

    @Test("disclose a disabled key: public list, commitment, audit; re-enabling is refused; a live key cannot be disclosed")
    func disclose() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let admin = try s.services.registry.createToken(role: .admin).token
        let headers: HTTPFields = [.authorization: "Bearer \(admin)", .contentType: "application/json"]
        let old = try KeyringStore(directory: s.home).load().primary()
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            // The primary cannot be disclosed.
            try await client.execute(uri: "/v1/admin/keys/\(old.id)/disclose", method: .post, headers: headers) { r in
                #expect(r.status == .unprocessableContent)
                #expect(ErrorBody(r.body).code == "key.not_usable")
            }
            try await client.execute(uri: "/v1/admin/keys/rotate", method: .post, headers: headers) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/admin/keys/\(old.id)/disable", method: .post, headers: headers) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/keys/disclosed", method: .get) { r in
                #expect(r.status == .ok)
                #expect((parse(r.body)["disclosed_keys"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/v1/admin/keys/\(old.id)/disclose", method: .post, headers: headers) { r in
                #expect(r.status == .ok)
                let body = parse(r.body)
                #expect(body["key_id"] as? String == old.id)
                #expect(body["commitment"] as? String == old.commitment)
                #expect(body["secret_hex"] as? String == old.secret.map { String(format: "%02x", $0) }.joined())
            }
            // Anyone (no token) gets the disclosure, and it re-derives the key.
            try await client.execute(uri: "/v1/keys/disclosed", method: .get) { r in
                #expect(r.status == .ok)
                let list = parse(r.body)["disclosed_keys"] as? [[String: Any]] ?? []
                #expect(list.map { $0["key_id"] as? String } == [old.id])
                let data = try JSONSerialization.data(withJSONObject: list[0])
                let disclosed = try JSONDecoder().decode(DisclosedKey.self, from: data)
                #expect(try disclosed.watermarkKey().id == old.id)
            }
            // Once public, never again: enable, promote and destroy are refused.
            for action in ["enable", "promote", "destroy"] {
                try await client.execute(uri: "/v1/admin/keys/\(old.id)/\(action)", method: .post, headers: headers) { r in
                    #expect(r.status == .conflict, "\(action)")
                    #expect((ErrorBody(r.body).message ?? "").contains("disclosed"))
                }
            }
            try await client.execute(uri: "/v1/admin/audit", method: .get, headers: headers) { r in
                let actions = (parse(r.body)["entries"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
                #expect(actions.contains("keys.disclose"))
            }
        }
        // The keyring on disk remembers it.
        #expect(try KeyringStore(directory: s.home).load().key(id: old.id).disclosedAt != nil)
    }
}
