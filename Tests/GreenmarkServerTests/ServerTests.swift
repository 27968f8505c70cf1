import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkKeys
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The real server on a loopback port, with a real keyring, signing keys, SQLite registry and the
/// model's tokenizer.
@Suite("greenmarkd HTTP API (live server on loopback)", .serialized)
struct ServerTests {
    static let tokenizer: LlamaTokenizer = try! LlamaTokenizer(modelPath: ModelLocator.resolve())
    static let human =
        "Four score and seven years ago our fathers brought forth on this continent, a new nation, conceived in Liberty, and dedicated to the proposition that all men are created equal. Now we are engaged in a great civil war, testing whether that nation, or any nation so conceived and so dedicated, can long endure. We are met on a great battle-field of that war. We have come to dedicate a portion of that field, as a final resting place for those who here gave their lives that that nation might live. It is altogether fitting and proper that we should do this."

    struct Setup {
        let services: GreenmarkServices
        let reader: String
        let issuer: String
        let home: String
    }

    /// A home with one key of `scheme` (LeftHash by default: most route tests check green counts).
    func setup(scheme: WatermarkScheme = .leftHash) throws -> Setup {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-server-\(UUID().uuidString)").path
        let ring = try KeyringStore(directory: home).initialize(scheme: scheme, vocabulary: Self.tokenizer.vocabularyID)
        try SigningKeyStore(directory: home).initialize(watermarkKeys: ring.keys)
        let registry = try Registry(path: home + "/registry.sqlite")
        let reader = try registry.createToken(role: .verify).token
        // Stamp with inspect: the tests certify unwatermarked texts, which needs inspect (DetectionOracleTests).
        let issuer = try registry.createToken(role: .stamp, permissions: [.inspect]).token
        return Setup(
            services: GreenmarkServices(home: home, tokenizer: Self.tokenizer, registry: registry), reader: reader, issuer: issuer, home: home)
    }

    func json(_ object: [String: Any]) -> ByteBuffer { ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object)) }
    func parse(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }
    func auth(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    @Test("health, readiness, auth errors and detection")
    func detect() async throws {
        let s = try setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { r in
                #expect(r.status == .ok)
                #expect(parse(r.body)["status"] as? String == "ready")
            }
            try await client.execute(uri: "/v1/detect", method: .post, body: json(["text": Self.human])) { r in
                #expect(r.status == .unauthorized)
                #expect(ErrorBody(r.body).code == "auth.missing_token")
            }
            try await client.execute(uri: "/v1/detect", method: .post, headers: auth("gmt_wrong"), body: json(["text": Self.human])) { r in
                #expect(r.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/detect", method: .post, headers: auth(s.reader), body: json(["text": Self.human])) { r in
                #expect(r.status == .ok)
                let body = parse(r.body)
                #expect(body["watermarked"] as? Bool == false)
                // A verify token sees the verdict; the scores of an unwatermarked text only with inspect (DetectionOracleTests).
                #expect(body["view"] as? String == "verdict" && body["z_score"] == nil)
            }
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: auth(s.reader), body: json(["text": Self.human, "include_mask": true])
            ) { r in
                #expect(r.status == .forbidden)
                #expect(ErrorBody(r.body).code == "detect.inspect_required")
            }
            let inspector = try s.services.registry.createToken(role: .verify, permissions: [.inspect]).token
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: auth(inspector), body: json(["text": Self.human, "include_mask": true])
            ) { r in
                #expect(r.status == .ok)
                let body = parse(r.body)
                #expect(body["watermarked"] as? Bool == false)
                #expect((body["z_score"] as? Double ?? 9) < 4)
                #expect((body["mask"] as? [Any])?.isEmpty == false)
            }
            try await client.execute(uri: "/v1/detect", method: .post, headers: auth(s.reader), body: json(["text": "   "])) { r in
                #expect(r.status == .badRequest)
                #expect(ErrorBody(r.body).code == "input.empty_text")
            }
            try await client.execute(uri: "/v1/detect", method: .post, headers: auth(s.reader), body: ByteBuffer(string: "{not json")) { r in
                #expect(r.status == .badRequest)
                #expect(ErrorBody(r.body).code == "input.invalid_json")
            }
            try await client.execute(uri: "/v1/detect", method: .post, headers: auth(s.reader), body: json(["txt": "x"])) { r in
                #expect(r.status == .badRequest)
                #expect(ErrorBody(r.body).message?.contains("text") == true)
            }
        }
    }

    @Test("issue, fetch and verify a certificate; roles are enforced; the registry keeps it")
    func certificates() async throws {
        let s = try setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            try await client.execute(uri: "/v1/certificates", method: .post, headers: auth(s.reader), body: json(["text": Self.human])) { r in
                #expect(r.status == .forbidden)
            }
            let id: String = try await client.execute(
                uri: "/v1/certificates", method: .post, headers: auth(s.issuer), body: json(["text": Self.human])
            ) { r in
                #expect(r.status == .created)
                return parse(r.body)["id"] as? String ?? ""
            }
            #expect(id.hasPrefix("gmc-"))
            #expect(try s.services.registry.certificate(id: id) != nil)
            let certificate: [String: Any] = try await client.execute(uri: "/v1/certificates/\(id)", method: .get, headers: auth(s.reader)) { r in
                #expect(r.status == .ok)
                return parse(r.body)
            }
            try await client.execute(uri: "/v1/certificates/gmc-nope", method: .get, headers: auth(s.reader)) { r in
                #expect(r.status == .notFound)
            }
            try await client.execute(
                uri: "/v1/certificates/verify", method: .post, headers: auth(s.reader),
                body: json(["certificate": certificate, "text": Self.human])
            ) { r in
                #expect(r.status == .ok)
                #expect(parse(r.body)["status"] as? String == "valid")
            }
            try await client.execute(
                uri: "/v1/certificates/verify", method: .post, headers: auth(s.reader),
                body: json(["certificate": certificate, "text": Self.human + " Edited."])
            ) { r in
                let body = parse(r.body)
                #expect(body["status"] as? String == "invalid")
                #expect((body["checks"] as? [[String: Any]])?.contains { $0["code"] as? String == "text.digest.mismatch" } == true)
            }
            try await client.execute(uri: "/v1/trust", method: .get) { r in
                #expect(r.status == .ok)
                #expect(parse(r.body)["root_key"] != nil)
            }
        }
    }

    @Test("/metrics exposes Prometheus counters that move with traffic")
    func metrics() async throws {
        MetricsBootstrap.once
        let s = try setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            try await client.execute(uri: "/v1/detect", method: .post, headers: auth(s.reader), body: json(["text": Self.human])) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(r.status == .ok)
                let text = String(buffer: r.body)
                #expect(text.contains("greenmark_detections_total"))
                #expect(text.contains("http_server_request_duration"))
                let line = text.split(separator: "\n").first { $0.hasPrefix("greenmark_detections_total ") }
                #expect(Int(line?.split(separator: " ").last ?? "0") ?? 0 >= 1)
            }
        }
    }

    @Test("admin: rotate and disable watermark keys, revoke an issuing key, all audited")
    func admin() async throws {
        let s = try setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let admin = try s.services.registry.createToken(role: .admin)
        let headers: HTTPFields = [.authorization: "Bearer \(admin.token)", .contentType: "application/json"]
        let first = try KeyringStore(directory: s.home).load().primary().id
        let issuer = try SigningKeyStore(directory: s.home).trustedRoot().unverifiedBody().issuingKeys[0].keyID
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            try await client.execute(uri: "/v1/admin/keys/rotate", method: .post, headers: headers) { r in
                #expect(r.status == .ok)
                let keys = parse(r.body)["watermark_keys"] as? [[String: Any]] ?? []
                #expect(keys.count == 2)
                #expect(!String(buffer: r.body).contains("secret"))
            }
            try await client.execute(uri: "/v1/admin/keys/\(first)/disable", method: .post, headers: headers) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/admin/keys/\(first)/promote", method: .post, headers: headers) { r in
                #expect(r.status == .conflict)
                #expect(ErrorBody(r.body).code == "key.invalid_transition")
            }
            try await client.execute(
                uri: "/v1/admin/signing/revoke", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"key_id": "\#(issuer)", "compromised_since": "2026-01-01T00:00:00Z"}"#)
            ) { r in
                #expect(r.status == .ok)
                let issuing = parse(r.body)["issuing_keys"] as? [[String: Any]] ?? []
                #expect(issuing.first { $0["key_id"] as? String == issuer }?["status"] as? String == "revoked")
            }
            try await client.execute(uri: "/v1/admin/audit", method: .get, headers: headers) { r in
                let actions = (parse(r.body)["entries"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
                #expect(actions == ["signing.revoke", "keys.disable", "keys.rotate"])
            }
        }
        // The daemon's key changes are visible to the CLI's keyring.
        #expect(try KeyringStore(directory: s.home).load().key(id: first).state == .disabled)
    }
}

/// swift-metrics may be bootstrapped once per process.
enum MetricsBootstrap {
    static let once: Void = ServerMetrics.bootstrap()
}
