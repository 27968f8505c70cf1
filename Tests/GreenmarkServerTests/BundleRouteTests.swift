import Foundation
import GreenmarkCertificates
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /v1/certificates?bundle=1` (and with the bundle media type in Accept) answers a provenance
/// bundle that verifies offline with only the pinned root key and the log key: the certificate as
/// stored, the text, the trusted roots and the inclusion proof of its log entry.
@Suite("greenmarkd provenance bundles (live server on loopback)", .serialized)
struct BundleRouteTests {
    @Test("a certificate asked for as a bundle verifies with the root key and the log key, log proof included")
    func certificateBundle() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let pin = try SigningKeyStore(directory: s.home).rootKeyFile()
        let pinBytes = Array(try JSONEncoder().encode(pin))
        let body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["text": ServerTests.human]))
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            var logKey: [UInt8] = []
            try await client.execute(uri: "/v1/log/key", method: .get) { r in logKey = Array(r.body.readableBytesView) }
            let asked: [(String, HTTPFields)] = [
                ("/v1/certificates?bundle=1", [.authorization: "Bearer \(s.issuer)", .contentType: "application/json"]),
                (
                    "/v1/certificates",
                    [
                        .authorization: "Bearer \(s.issuer)", .contentType: "application/json",
                        .accept: BundleDocument.mediaType,
                    ]
                ),
            ]
            for (uri, headers) in asked {
                try await client.execute(uri: uri, method: .post, headers: headers, body: body) { r in
                    #expect(r.status == .created, "\(uri)")
                    #expect(r.headers[.contentType] == BundleDocument.mediaType)
                    let bytes = Array(r.body.readableBytesView)
                    let bundle = try BundleDocument.read(bytes).get()
                    let id = try #require(r.headers[.location]?.split(separator: "/").last.map(String.init))
                    #expect(try s.services.registry.certificate(id: id)?.bytes == bundle.certificate, "the certificate as stored")
                    #expect(bundle.logProof != nil && !bundle.trustedRoots.isEmpty)
                    let report = BundleVerifier(pinned: pinBytes, logKey: logKey).verify(bundle: bytes)
                    #expect(report.status == .valid, "\(report.checks.map { "\($0.code): \($0.detail)" })")
                    #expect(report.checks.map(\.code).suffix(2) == ["log.checkpoint.valid", "log.inclusion.valid"])
                    // Without the log key the rest still verifies; another text does not.
                    #expect(BundleVerifier(pinned: pinBytes).verify(bundle: bytes).status == .valid)
                    let other = BundleVerifier(pinned: pinBytes).verify(bundle: bytes, text: Array("another text".utf8))
                    #expect(other.failures == ["text.digest.mismatch"])
                }
            }
            // Plain JSON by default.
            let plain: HTTPFields = [.authorization: "Bearer \(s.issuer)", .contentType: "application/json"]
            try await client.execute(uri: "/v1/certificates", method: .post, headers: plain, body: body) { r in
                #expect(r.status == .created && r.headers[.contentType]?.hasPrefix("application/json") == true)
            }
            // A generation cannot stream a bundle (refused before any model is needed).
            let generate = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["prompt": "Say hi.", "stream": true]))
            try await client.execute(uri: "/v1/generate?bundle=1", method: .post, headers: plain, body: generate) { r in
                #expect(r.status == .badRequest)
                #expect(String(buffer: r.body).contains("input.invalid_query"))
            }
            // bundle=0 asks for none; any other value, or the parameter twice, is refused before any
            // scoring or signing: nothing is stored.
            let stored = try s.services.registry.certificateCount()
            try await client.execute(uri: "/v1/certificates?bundle=0", method: .post, headers: plain, body: body) { r in
                #expect(r.status == .created && r.headers[.contentType]?.hasPrefix("application/json") == true)
            }
            for uri in ["/v1/certificates?bundle=yes", "/v1/certificates?bundle=1&bundle=0", "/v1/generate?bundle=2"] {
                try await client.execute(uri: uri, method: .post, headers: plain, body: body) { r in
                    #expect(r.status == .badRequest && ErrorBody(r.body).code == "input.invalid_query", "\(uri)")
                }
            }
            #expect(try s.services.registry.certificateCount() == stored + 1, "only the bundle=0 certificate was issued")
        }
    }

    @Test("a generation asked for as a bundle (real model): the receipt, the generated text and the log proof verify offline")
    func generationBundle() async throws {
        let s = try GenerationRouteTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let pinBytes = Array(try JSONEncoder().encode(try SigningKeyStore(directory: s.home).rootKeyFile()))
        let headers: HTTPFields = [.authorization: "Bearer \(s.issuer)", .contentType: "application/json"]
        let request: [String: Any] = ["prompt": "Write two sentences about rain.", "max_tokens": 24, "seed": 3]
        let body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: request))
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            var logKey: [UInt8] = []
            try await client.execute(uri: "/v1/log/key", method: .get) { r in logKey = Array(r.body.readableBytesView) }
            try await client.execute(uri: "/v1/generate?bundle=1", method: .post, headers: headers, body: body) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == BundleDocument.mediaType)
                let bytes = Array(r.body.readableBytesView)
                let bundle = try BundleDocument.read(bytes).get()
                let id = try #require(r.headers[HTTPField.Name("Greenmark-Receipt-Id")!])
                #expect(try s.services.registry.certificate(id: id)?.bytes == bundle.certificate)
                guard case .text(let text) = bundle.text else {
                    Issue.record("no text in the bundle")
                    return
                }
                #expect(!text.isEmpty)
                let report = BundleVerifier(pinned: pinBytes, logKey: logKey).verify(bundle: bytes)
                #expect(report.status == .valid, "\(report.checks.map { "\($0.code): \($0.detail)" })")
                #expect(report.kind == .generationReceipt)
            }
        }
    }
}
