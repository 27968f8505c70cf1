import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkModel
import GreenmarkStorage
import HTTPTypes
import Hummingbird
import Metrics

struct GenerateBody: Decodable {
    let prompt: String
    let system: String?
    let maxTokens: Int?
    let temperature: Double?
    let topP: Double?
    let topK: Int?
    let seed: UInt64?
    let stop: [String]?
    let stream: Bool?

    enum CodingKeys: String, CodingKey {
        case prompt, system, temperature, seed, stop, stream
        case maxTokens = "max_tokens", topP = "top_p", topK = "top_k"
    }
}

/// The OpenAI chat-completions request shape (fields Greenmark does not use are ignored).
struct ChatCompletionBody: Decodable {
    struct Message: Decodable {
        let role: String
        let content: String
    }

    let model: String?
    let messages: [Message]
    let maxTokens: Int?
    let maxCompletionTokens: Int?
    let temperature: Double?
    let topP: Double?
    let seed: UInt64?
    let stop: StopField?
    let stream: Bool?

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, seed, stop, stream
        case maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens", topP = "top_p"
    }

    /// OpenAI accepts a string or an array of strings.
    struct StopField: Decodable {
        let values: [String]
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let one = try? c.decode(String.self) { values = [one] } else { values = try c.decode([String].self) }
        }
    }
}

/// The finished generation as the API returns it.
struct GenerationResponse: ResponseEncodable {
    let text: String
    let tokens: Int
    let keyID: String?
    let model: GenerationRecord.Model
    let record: GenerationRecord
    let receipt: SignedCertificate?
    let receiptID: String?

    enum CodingKeys: String, CodingKey {
        case text, tokens, model, record, receipt
        case keyID = "key_id"
        case receiptID = "receipt_id"
    }
}

extension GreenmarkRoutes {
    static func addGenerationRoutes(_ router: Router<GreenmarkRequestContext>, services: GreenmarkServices) {
        router.post("/v1/generate") { request, context -> Response in
            _ = try context.require(.stamp)
            let body = try await decode(GenerateBody.self, request, context)
            let generation = GenerationRequest(
                prompt: body.prompt, system: body.system, maxTokens: body.maxTokens ?? 200, stopStrings: body.stop ?? [],
                sampling: SamplingParameters(temperature: body.temperature ?? 1, topK: body.topK ?? 0, topP: body.topP ?? 1, seed: body.seed)
            )
            return try await run(generation, services: services, stream: body.stream ?? false, format: .greenmark)
        }

        router.post("/v1/chat/completions") { request, context -> Response in
            _ = try context.require(.stamp)
            let body = try await decode(ChatCompletionBody.self, request, context)
            // max_completion_tokens wins when both are given; a max_tokens below 1 is still refused.
            if let n = body.maxTokens, n < 1 {
                throw APIError(.badRequest, code: "generation.invalid_request", "max tokens must be at least 1")
            }
            var generation = GenerationRequest(
                prompt: "", maxTokens: body.maxCompletionTokens ?? body.maxTokens ?? 200, stopStrings: body.stop?.values ?? [],
                sampling: SamplingParameters(temperature: body.temperature ?? 1, topK: 0, topP: body.topP ?? 1, seed: body.seed)
            )
            generation.messages = body.messages.map { ChatMessage(role: $0.role, content: $0.content) }
            return try await run(generation, services: services, stream: body.stream ?? false, format: .openAI)
        }
    }

    enum Format { case greenmark, openAI }

    /// Runs a generation through the gate, then answers as JSON or server-sent events.
    static func run(_ generation: GenerationRequest, services: GreenmarkServices, stream: Bool, format: Format) async throws -> Response {
        guard let model = services.model else {
            throw APIError(.serviceUnavailable, code: "generation.unavailable", "this daemon was started without a model for generation")
        }
        let key = try mapped { () throws(GreenmarkError) in try services.currentKeyring().primary() }
        guard await services.gate.enter() else {
            ServerMetrics.generationsRefused.increment()
            var e = APIError(.serviceUnavailable, code: "generation.busy", "the model is busy; retry shortly")
            e.retryAfter = 2
            throw e
        }
        let events = Generator(model: model).stream(generation, key: key)
        let id = "chatcmpl-" + Hex.encode((try? SecureRandom.bytes(count: 12)) ?? [])
        let created = Int(Date().timeIntervalSince1970)
        if !stream {
            defer { Task { await services.gate.leave() } }
            var final: GenerationResult?
            do {
                for try await event in events { if case .finished(let r) = event { final = r } }
            } catch let error as GreenmarkError {
                throw APIError(.badRequest, code: error.code.rawValue, error.reason)
            }
            guard let result = final else { throw APIError(.internalServerError, code: "generation.failed", "the generation ended without a result") }
            let (receipt, receiptID) = try issueReceipt(result.record, services: services)
            let data: Data
            switch format {
            case .greenmark:
                data = try JSONEncoder.api.encode(GenerationResponse(text: result.record.text, tokens: result.record.tokens, keyID: result.record.keyID,
                                                                      model: result.record.model, record: result.record, receipt: receipt, receiptID: receiptID))
            case .openAI:
                data = try JSONSerialization.data(withJSONObject: openAICompletion(id: id, created: created, result: result, receipt: receipt, receiptID: receiptID))
            }
            var headers: HTTPFields = [.contentType: "application/json"]
            if let receiptID { headers[HTTPField.Name("Greenmark-Receipt-Id")!] = receiptID }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        // Server-sent events: the gate is held until the stream ends.
        let body = ResponseBody { writer in
            defer { Task { await services.gate.leave() } }
            do {
                for try await event in events {
                    switch event {
                    case .text(let piece):
                        let chunk: [String: Any] = format == .openAI
                            ? ["id": id, "object": "chat.completion.chunk", "created": created, "model": model.name,
                               "choices": [["index": 0, "delta": ["role": "assistant", "content": piece], "finish_reason": NSNull()]]]
                            : ["text": piece]
                        try await writer.write(sse(chunk))
                    case .finished(let result):
                        let (receipt, receiptID) = try issueReceipt(result.record, services: services)
                        let receiptObject = try receipt.map { try JSONSerialization.jsonObject(with: JSONEncoder.api.encode($0)) } ?? NSNull()
                        if format == .openAI {
                            try await writer.write(sse(["id": id, "object": "chat.completion.chunk", "created": created, "model": model.name,
                                                        "choices": [["index": 0, "delta": [:] as [String: Any], "finish_reason": finishReason(result.record.finishReason)]],
                                                        "greenmark": ["receipt_id": receiptID ?? NSNull(), "receipt": receiptObject, "key_id": result.record.keyID ?? NSNull()]]))
                            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                        } else {
                            let record = try JSONSerialization.jsonObject(with: JSONEncoder.api.encode(result.record))
                            try await writer.write(ByteBuffer(string: "event: done\n"))
                            try await writer.write(sse(["record": record, "receipt": receiptObject, "receipt_id": receiptID ?? NSNull()]))
                        }
                    }
                }
            } catch {
                try await writer.write(sse(["error": ["code": (error as? GreenmarkError)?.code.rawValue ?? "generation.failed", "message": "\(error)"]]))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    static func sse(_ object: [String: Any]) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeBytes(try JSONSerialization.data(withJSONObject: object))
        buffer.writeString("\n\n")
        return buffer
    }

    static func finishReason(_ reason: GenerationRecord.FinishReason) -> String {
        switch reason {
        case .length: "length"
        case .endOfGeneration, .stop: "stop"
        case .cancelled: "cancelled"
        }
    }

    static func openAICompletion(id: String, created: Int, result: GenerationResult, receipt: SignedCertificate?, receiptID: String?) throws -> [String: Any] {
        let receiptObject = try receipt.map { try JSONSerialization.jsonObject(with: JSONEncoder.api.encode($0)) } ?? NSNull()
        return [
            "id": id, "object": "chat.completion", "created": created, "model": result.record.model.name,
            "choices": [["index": 0, "message": ["role": "assistant", "content": result.record.text], "finish_reason": finishReason(result.record.finishReason)]],
            "usage": ["prompt_tokens": result.promptTokens, "completion_tokens": result.record.tokens, "total_tokens": result.promptTokens + result.record.tokens],
            "greenmark": ["receipt_id": receiptID ?? NSNull(), "receipt": receiptObject, "key_id": result.record.keyID ?? NSNull()],
        ]
    }

    /// Signs and stores a receipt when the home has signing keys.
    static func issueReceipt(_ r: GenerationRecord, services: GreenmarkServices) throws -> (SignedCertificate?, String?) {
        ServerMetrics.generatedTokens.increment(by: r.tokens)
        guard services.signing.exists else { return (nil, nil) }
        let commitment = r.keyID.flatMap { id in try? services.currentKeyring().key(id: id).commitment }
        let receipt = try signed { () throws(CertificateError) in try services.signing.activeIssuer().receipt(for: r, keyCommitment: commitment) }
        return (receipt, try store(receipt, services: services))
    }
}

extension JSONEncoder {
    /// Sorted keys, ISO 8601 dates: the API's JSON.
    static var api: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }
}
