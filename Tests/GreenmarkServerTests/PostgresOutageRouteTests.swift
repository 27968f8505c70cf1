import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkKeys
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import GreenmarkTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// greenmarkd on a PostgreSQL server that goes away and comes back (`docs/scale-out.md`).
@Suite("greenmarkd through a PostgreSQL outage (live server on loopback)", .serialized)
struct PostgresOutageRouteTests {
    static func body(_ text: String) throws -> ByteBuffer { ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["text": text])) }

    @Test(
        "while PostgreSQL is down every route that needs it is 503 storage.open_failed with a JSON body (auth too, not 401); once it is back they work without a restart"
    )
    func outage() async throws {
        let server = try PostgresServer.dedicated()
        defer { server.stop() }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-pg-outage-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let ring = try KeyringStore(directory: home).initialize(scheme: .leftHash, vocabulary: ServerTests.tokenizer.vocabularyID)
        try SigningKeyStore(directory: home).initialize(watermarkKeys: ring.keys)
        let registry = try Registry(location: DatabaseLocation(server.uriWithPassword(database: try server.createDatabase())))
        let issuer = try registry.createToken(role: .stamp, permissions: [.inspect]).token
        let services = GreenmarkServices(home: home, tokenizer: ServerTests.tokenizer, registry: registry)
        let headers: HTTPFields = [.authorization: "Bearer \(issuer)", .contentType: "application/json"]

        try await GreenmarkApplication.make(services: services, port: 0).test(.live) { client in
            try await client.execute(uri: "/v1/certificates", method: .post, headers: headers, body: try Self.body(ServerTests.human)) { r in
                #expect(r.status == .created)
            }
            server.stop()
            try await client.execute(uri: "/v1/detect", method: .post, headers: headers, body: try Self.body(ServerTests.human)) { r in
                #expect(r.status == .serviceUnavailable && ErrorBody(r.body).code == "storage.open_failed", "\(r.status) \(String(buffer: r.body))")
                #expect(!String(buffer: r.body).contains(server.password))
                #expect(r.headers[.retryAfter] == "5")
            }
            try await client.execute(uri: "/v1/certificates", method: .post, headers: headers, body: try Self.body(ServerTests.human + " Again.")) {
                r in
                #expect(r.status == .serviceUnavailable && ErrorBody(r.body).code == "storage.open_failed", "\(r.status) \(String(buffer: r.body))")
            }
            try await client.execute(uri: "/v1/log/checkpoint", method: .get) { r in
                #expect(r.status == .serviceUnavailable && ErrorBody(r.body).code == "storage.open_failed", "\(r.status)")
            }
            try server.start()
            try await client.execute(uri: "/v1/detect", method: .post, headers: headers, body: try Self.body(ServerTests.human)) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/v1/certificates", method: .post, headers: headers, body: try Self.body(ServerTests.human + " Again.")) {
                r in
                #expect(r.status == .created)
            }
            try await client.execute(uri: "/v1/log/checkpoint", method: .get) { r in
                #expect(r.status == .ok && String(buffer: r.body).split(separator: "\n").dropFirst().first == "2", "\(String(buffer: r.body))")
            }
        }
        #expect(try registry.certificateCount() == 2 && registry.integrityCheck())
    }
}
