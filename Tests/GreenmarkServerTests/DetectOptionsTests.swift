import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/v1/detect` options: span search (always on without the inspect permission; on by default,
/// and switchable with it) and the normalization report, over real HTTP.
@Suite("greenmarkd /v1/detect options (live server on loopback)", .serialized)
struct DetectOptionsTests {
    static func body(_ fields: [String: Any]) -> ByteBuffer { ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: fields)) }

    @Test("search_spans switches span search off and on for an inspector, is always on otherwise; look-alike characters are reported as normalized")
    func spanSearchAndNormalization() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        // The Gettysburg text, repeated to 4 paragraphs, with Cyrillic look-alikes and zero-width spaces.
        let attacked = String(repeating: ServerTests.human + "\n\n", count: 4)
            .replacingOccurrences(of: "a", with: "а").replacingOccurrences(of: "o", with: "о\u{200B}")
        let inspector = try s.services.registry.createToken(role: .verify, permissions: [.inspect]).token
        let headers: HTTPFields = [.authorization: "Bearer \(inspector)", .contentType: "application/json"]
        let reader: HTTPFields = [.authorization: "Bearer \(s.reader)", .contentType: "application/json"]
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            // Without inspect: span search always, the normalization report, no choice.
            try await client.execute(uri: "/v1/detect", method: .post, headers: reader, body: Self.body(["text": attacked])) { r in
                let json = (try? JSONSerialization.jsonObject(with: Data(r.body.readableBytesView))) as? [String: Any] ?? [:]
                #expect(json["span_search"] as? Bool == true)
                #expect(json["normalized"] as? Bool == true)
                #expect(((json["normalization"] as? [String: Any])?["confusables_mapped"] as? Int ?? 0) > 100)
            }
            try await client.execute(uri: "/v1/detect", method: .post, headers: reader, body: Self.body(["text": attacked, "search_spans": false])) {
                r in
                #expect(r.status == .forbidden)
                #expect(ErrorBody(r.body).code == "detect.inspect_required")
            }
            for search in [false, true] {
                try await client.execute(
                    uri: "/v1/detect", method: .post, headers: headers,
                    body: Self.body(["text": attacked, "search_spans": search])
                ) { r in
                    #expect(r.status == .ok)
                    let json = (try? JSONSerialization.jsonObject(with: Data(r.body.readableBytesView))) as? [String: Any] ?? [:]
                    #expect(json["span_search"] as? Bool == search)
                    #expect(json["normalized"] as? Bool == true)
                    #expect(json["normalizer"] as? String == "greenmark-normalizer-v2")
                    let changes = json["normalization"] as? [String: Any] ?? [:]
                    #expect((changes["confusables_mapped"] as? Int ?? 0) > 100)
                    #expect((changes["invisible_removed"] as? Int ?? 0) > 50)
                    #expect(json["verdict"] as? String == "no_watermark")
                    if !search { #expect(json["span"] == nil) }
                }
            }
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: headers,
                body: Self.body(["text": attacked, "search_spans": "yes"])
            ) { r in
                #expect(r.status == .badRequest)
            }
        }
    }
}
