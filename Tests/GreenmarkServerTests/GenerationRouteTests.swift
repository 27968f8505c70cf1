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

/// Generation over HTTP with the real model: JSON, server-sent events and the OpenAI shape.
@Suite("greenmarkd generation routes (real model, live server)", .serialized)
struct GenerationRouteTests {
    static let model: LlamaModel = try! LlamaModel(path: ModelLocator.resolve())

    func setup() throws -> ServerTests.Setup {
        let s = try ServerTests().setup()
        let services = GreenmarkServices(home: s.home, tokenizer: Self.model.tokenizer, registry: s.services.registry, model: Self.model)
        return ServerTests.Setup(services: services, reader: s.reader, issuer: s.issuer, home: s.home)
    }

    func json(_ object: [String: Any]) -> ByteBuffer { ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object)) }
    func parse(_ buffer: ByteBuffer) -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:] }

    @Test("POST /v1/generate returns text with a signed, stored receipt; verify roles")
    func generate() async throws {
        let s = try setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            try await client.execute(uri: "/v1/generate", method: .post, headers: [.authorization: "Bearer \(s.reader)"], body: json(["prompt": "hi"])) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/v1/generate", method: .post, headers: [.authorization: "Bearer \(s.issuer)"],
                                     body: json(["prompt": "Write two sentences about rain.", "max_tokens": 24, "seed": 3])) { r in
                #expect(r.status == .ok)
                let body = parse(r.body)
                #expect((body["text"] as? String)?.isEmpty == false)
                #expect((body["tokens"] as? Int ?? 0) > 0)
                let id = try #require(body["receipt_id"] as? String)
                #expect(try s.services.registry.certificate(id: id)?.kind == "generation_receipt")
            }
            try await client.execute(uri: "/v1/generate", method: .post, headers: [.authorization: "Bearer \(s.issuer)"], body: json(["prompt": ""])) { r in
                #expect(r.status == .badRequest)
            }
        }
    }

    @Test("max_tokens beyond the model's context, up to Int.max, is 400 generation.invalid_request on both routes (it overflowed and trapped the daemon)")
    func hugeMaxTokens() async throws {
        let s = try setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let headers: HTTPFields = [.authorization: "Bearer \(s.issuer)", .contentType: "application/json"]
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            for n in ["9223372036854775807", "9223372036854775000", "8193"] {
                let bodies = [("/v1/generate", #"{"prompt": "Hi.", "max_tokens": \#(n)}"#),
                              ("/v1/chat/completions", #"{"messages": [{"role": "user", "content": "Hi."}], "max_tokens": \#(n)}"#),
                              ("/v1/chat/completions", #"{"messages": [{"role": "user", "content": "Hi."}], "max_completion_tokens": \#(n)}"#)]
                for (uri, body) in bodies {
                    try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { r in
                        #expect(r.status == .badRequest && ErrorBody(r.body).code == "generation.invalid_request", "\(uri) \(n): \(r.status) \(String(buffer: r.body))")
                    }
                }
            }
            // max_tokens below 1 is refused even beside a valid max_completion_tokens.
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers,
                                     body: ByteBuffer(string: #"{"messages": [{"role": "user", "content": "Hi."}], "max_tokens": 0, "max_completion_tokens": 4}"#)) { r in
                #expect(r.status == .badRequest && ErrorBody(r.body).code == "generation.invalid_request", "\(r.status)")
            }
            // The daemon is still up and generates.
            try await client.execute(uri: "/v1/generate", method: .post, headers: headers, body: json(["prompt": "Hi.", "max_tokens": 4, "seed": 1])) { r in
                #expect(r.status == .ok)
            }
        }
    }

    @Test("OpenAI-compatible chat completions, plain and streamed")
    func chatCompletions() async throws {
        let s = try setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let plainBody = #"{"model": "gpt-4o-mini", "messages": [{"role": "system", "content": "You are brief."}, {"role": "user", "content": "Say hello."}], "max_tokens": 16, "temperature": 0.7, "seed": 5}"#
        let streamBody = plainBody.replacingOccurrences(of: #""seed": 5"#, with: #""seed": 5, "stream": true"#)
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post,
                                     headers: [.authorization: "Bearer \(s.issuer)", .contentType: "application/json"], body: ByteBuffer(string: plainBody)) { r in
                #expect(r.status == .ok)
                let body = parse(r.body)
                #expect(body["object"] as? String == "chat.completion")
                let choice = try #require((body["choices"] as? [[String: Any]])?.first)
                #expect((choice["message"] as? [String: Any])?["role"] as? String == "assistant")
                #expect(["stop", "length"].contains(choice["finish_reason"] as? String ?? ""))
                #expect(((body["usage"] as? [String: Any])?["completion_tokens"] as? Int ?? 0) > 0)
                #expect((body["greenmark"] as? [String: Any])?["receipt"] is [String: Any])
                #expect(r.headers[HTTPField.Name("Greenmark-Receipt-Id")!]?.hasPrefix("gmc-") == true)
            }
            try await client.execute(uri: "/v1/chat/completions", method: .post,
                                     headers: [.authorization: "Bearer \(s.issuer)", .contentType: "application/json"], body: ByteBuffer(string: streamBody)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/event-stream")
                let text = String(buffer: r.body)
                let events = text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }
                #expect(events.last == "data: [DONE]")
                #expect(events.count >= 3)
                let first = try JSONSerialization.jsonObject(with: Data(events[0].dropFirst(6).utf8)) as? [String: Any]
                #expect(first?["object"] as? String == "chat.completion.chunk")
                #expect(text.contains("\"receipt\""))
            }
        }
    }

    @Test("the generation gate refuses work beyond its queue")
    func gate() async {
        let gate = GenerationGate(maxActive: 1, maxQueued: 0)
        #expect(await gate.enter())
        #expect(await !gate.enter())
        await gate.leave()
        #expect(await gate.enter())
    }
}
