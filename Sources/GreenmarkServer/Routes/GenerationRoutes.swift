import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkModel
import GreenmarkStorage
import HTTPTypes
import Hummingbird
import Metrics

/// Watermarked generation for stamp tokens: `POST /v1/generate` and the OpenAI-compatible
/// `POST /v1/chat/completions`, each answered as JSON or server-sent events with a signed receipt.
struct GenerationRoutes: RouteArea {
    let services: GenerationServices
    /// The transparency log, for the inclusion proof of a receipt answered as a bundle.
    var log: LogServices? = nil

    var routes: RouteCollection<GreenmarkRequestContext> {
        services.gate.publishMetrics(prefix: "greenmark_generations")
        let routes = RouteCollection(context: GreenmarkRequestContext.self)
        let stamp = routes.group().add(middleware: RoleMiddleware(.stamp))
        stamp.post("/v1/generate") { [services, log] request, context -> Response in
            let asksForBundle = try BundleReply.wanted(request)
            let body = try await APIInput.decode(GenerateRequest.self, request, context)
            let generation = GenerationRequest(
                prompt: body.prompt, system: body.system, maxTokens: body.maxTokens ?? 200, stopStrings: body.stop ?? [],
                sampling: SamplingParameters(temperature: body.temperature ?? 1, topK: body.topK ?? 0, topP: body.topP ?? 1, seed: body.seed)
            )
            // A bundle (`?bundle=1` or its media type in Accept) holds the whole text, so it cannot be streamed.
            let bundle = asksForBundle ? BundleRequest(log: log) : nil
            if bundle != nil, body.stream == true {
                throw APIError(.badRequest, code: .invalidQuery, "a bundle is answered whole: ask for it without stream")
            }
            return try await Self.run(
                generation, services: services, context: context, stream: body.stream ?? false, format: .greenmark,
                bundle: bundle)
        }
        stamp.post("/v1/chat/completions") { [services] request, context -> Response in
            let body = try await APIInput.decode(ChatCompletionRequest.self, request, context)
            // max_completion_tokens wins when both are given; a max_tokens below 1 is still refused.
            if let n = body.maxTokens, n < 1 {
                throw APIError(.badRequest, relaying: GreenmarkError.Code.generationInvalid.rawValue, "max tokens must be at least 1")
            }
            var generation = GenerationRequest(
                prompt: "", maxTokens: body.maxCompletionTokens ?? body.maxTokens ?? 200, stopStrings: body.stop?.values ?? [],
                sampling: SamplingParameters(temperature: body.temperature ?? 1, topK: 0, topP: body.topP ?? 1, seed: body.seed)
            )
            generation.messages = body.messages.map { ChatMessage(role: $0.role, content: $0.content) }
            return try await Self.run(generation, services: services, context: context, stream: body.stream ?? false, format: .openAI)
        }
        return routes
    }

    enum Format { case greenmark, openAI }

    /// A receipt asked for as a provenance bundle (`BundleReply`).
    struct BundleRequest { let log: LogServices? }

    /// Runs a generation through the gate and the batch scheduler, then answers as JSON or
    /// server-sent events.
    ///
    /// The request is checked and its prompt tokenized first (bad input: 400, no place taken).
    /// From then on the client's connection is watched: if the client resets or closes it, its
    /// queue place is given up, or its generation stops at the next token. The gate's place is
    /// held by the generation's sequence in the scheduler and released when the sequence's KV
    /// cells are freed, on every path (done, failed, cancelled, or the response never written).
    static func run(
        _ generation: GenerationRequest, services: GenerationServices, context: GreenmarkRequestContext,
        stream: Bool, format: Format, bundle: BundleRequest? = nil
    ) async throws -> Response {
        guard let model = services.model, let scheduler = services.scheduler else {
            throw APIError(.serviceUnavailable, code: .generationUnavailable, "this daemon was started without a model for generation")
        }
        let key = try services.currentKeyring().primary()
        // Refuses (400) what does not fit in one sequence of the scheduler's context.
        let generator = scheduler.generator
        let prepared: Generator.Prepared
        do {
            prepared = try await offload { try generator.prepare(generation, key: key) }
        } catch let error as GreenmarkError {
            throw requestError(error)
        }
        let id = "chatcmpl-" + Hex.encode(try SecureRandom.bytes(count: 12))
        let created = Int(Date().timeIntervalSince1970)

        // Cancelled when the client goes away (which also cancels the slot's flag).
        let clientGone = CancellationFlag()
        let stopWatching = await ClientWatch.start(context.channel, gone: clientGone)
        let slot: GenerationGate.Slot
        do {
            slot = try await services.gate.acquire(abandon: clientGone)
        } catch {
            stopWatching()
            throw refusal(error)
        }
        // The gate admits at most as many generations as the scheduler has sequences, so this one
        // joins the next decode step; the slot is released once its sequence's KV cells are free.
        let events = scheduler.stream(prepared, cancel: slot.cancellation, onExit: { slot.release() })

        if !stream {
            defer { stopWatching() }
            var final: GenerationResult?
            do {
                for try await event in events { if case .finished(let r) = event { final = r } }
            } catch let error as GreenmarkError {
                throw APIError(.internalServerError, relaying: error.code.rawValue, error.reason)
            }
            // Nobody to answer: the client left. (Or the drain bound cancelled this request.)
            if clientGone.isCancelled { throw clientClosed }
            if Task.isCancelled { throw refusal(GenerationGate.Refusal.shuttingDown) }
            guard let result = final else {
                throw APIError(.internalServerError, code: .generationFailed, "the generation ended without a result")
            }
            // Only the shutdown's grace period cancels a generation whose client is still here.
            if result.record.finishReason == .cancelled { throw refusal(GenerationGate.Refusal.shuttingDown) }
            let (receipt, receiptID) = try await issueReceipt(result, services: services)
            if let bundle, let receipt, let receiptID {
                let bytes = try await BundleReply.bytes(
                    certificate: receipt, id: receiptID, text: result.record.text,
                    issuing: services.issuing, log: bundle.log)
                return BundleReply.response(bytes, status: .ok, headers: [HTTPField.Name("Greenmark-Receipt-Id")!: receiptID])
            }
            let data: Data
            switch format {
            case .greenmark:
                let record = result.record
                let response = GenerationResponse(
                    text: record.text, tokens: record.tokens, keyID: record.keyID, model: record.model,
                    record: record, receipt: receipt, receiptID: receiptID)
                data = try JSONEncoder.api.encode(response)
            case .openAI:
                let completion = try openAICompletion(id: id, created: created, result: result, receipt: receipt, receiptID: receiptID)
                data = try JSONSerialization.data(withJSONObject: completion)
            }
            var headers: HTTPFields = [.contentType: "application/json"]
            if let receiptID { headers[HTTPField.Name("Greenmark-Receipt-Id")!] = receiptID }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        // Server-sent events. If this body is never written (the client is gone before the
        // head), dropping it drops `events`, which cancels the generation.
        let body = ResponseBody { writer in
            defer {
                stopWatching()
                slot.cancellation.cancel()  // a write failed or the stream ended: stop generating
            }
            do {
                for try await event in events {
                    switch event {
                    case .text(let piece):
                        let chunk: [String: Any] =
                            format == .openAI
                            ? [
                                "id": id, "object": "chat.completion.chunk", "created": created, "model": model.name,
                                "choices": [["index": 0, "delta": ["role": "assistant", "content": piece], "finish_reason": NSNull()]],
                            ]
                            : ["text": piece]
                        try await writer.write(sse(chunk))
                    case .finished(let result):
                        if clientGone.isCancelled { return }
                        // The text already went out: even a generation cut short by a shutdown
                        // gets its receipt, stating finish_reason "cancelled".
                        let (receipt, receiptID) = try await issueReceipt(result, services: services)
                        let receiptObject = try receipt.map { try JSONSerialization.jsonObject(with: JSONEncoder.api.encode($0)) } ?? NSNull()
                        if format == .openAI {
                            try await writer.write(
                                sse([
                                    "id": id, "object": "chat.completion.chunk", "created": created, "model": model.name,
                                    "choices": [
                                        [
                                            "index": 0, "delta": [:] as [String: Any],
                                            "finish_reason": finishReason(result.record.finishReason),
                                        ]
                                    ],
                                    "greenmark": [
                                        "receipt_id": receiptID ?? NSNull(), "receipt": receiptObject,
                                        "key_id": result.record.keyID ?? NSNull(),
                                    ],
                                ]))
                            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                        } else {
                            let record = try JSONSerialization.jsonObject(with: JSONEncoder.api.encode(result.record))
                            try await writer.write(ByteBuffer(string: "event: done\n"))
                            try await writer.write(sse(["record": record, "receipt": receiptObject, "receipt_id": receiptID ?? NSNull()]))
                        }
                    }
                }
            } catch {
                if clientGone.isCancelled { return }
                let code: String
                let message: String
                switch error {
                case let e as any HTTPCodedError:
                    let answer = PublicErrors.answer(e, home: services.issuing.home, logger: context.logger)
                    (code, message) = (answer.code, answer.message)
                default: (code, message) = (APIError.Code.generationFailed.rawValue, "\(error)")
                }
                try await writer.write(sse(["error": ["code": code, "message": message]]))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// A request the generator refused before running: its own code, 400 for bad input.
    static func requestError(_ error: GreenmarkError) -> APIError {
        let raw = error.code.rawValue
        let status: HTTPResponse.Status
        if raw.hasPrefix("generation.") || raw.hasPrefix("input.") || error.code == .tokenizerFailure {
            status = .badRequest
        } else if error.code == .keyNotUsable || error.code == .vocabularyMismatch {
            status = .unprocessableContent
        } else {
            status = .internalServerError
        }
        return APIError(status, relaying: raw, error.reason)
    }

    /// The answer for a client that left while its generation waited or ran: nobody reads it, but
    /// logs and metrics say 499 (nginx's "client closed request"), not a server error.
    static let clientClosed = APIError(
        HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"),
        code: .clientClosed, "the client closed the connection before the answer")

    /// The gate's refusal as a 503 with Retry-After (or 499 for a client that left).
    static func refusal(_ error: any Error) -> any Error {
        guard let refusal = error as? GenerationGate.Refusal else { return error }
        var e: APIError
        switch refusal {
        case .cancelled:
            return clientClosed
        case .busy:
            e = APIError(.serviceUnavailable, code: .generationBusy, "the model is busy and its queue is full; retry shortly")
            e.retryAfter = 2
        case .timedOut:
            e = APIError(.serviceUnavailable, code: .generationQueueTimeout, "waited too long for the model; retry later")
            e.retryAfter = 10
        case .shuttingDown:
            e = APIError(.serviceUnavailable, code: .generationShuttingDown, "this daemon is shutting down; retry (another instance)")
            e.retryAfter = 5
        }
        ServerMetrics.generationsRefused.increment()
        return e
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

    static func openAICompletion(
        id: String, created: Int, result: GenerationResult, receipt: SignedCertificate?,
        receiptID: String?
    ) throws -> [String: Any] {
        let receiptObject = try receipt.map { try JSONSerialization.jsonObject(with: JSONEncoder.api.encode($0)) } ?? NSNull()
        return [
            "id": id, "object": "chat.completion", "created": created, "model": result.record.model.name,
            "choices": [
                [
                    "index": 0, "message": ["role": "assistant", "content": result.record.text],
                    "finish_reason": finishReason(result.record.finishReason),
                ]
            ],
            "usage": [
                "prompt_tokens": result.promptTokens, "completion_tokens": result.record.tokens,
                "total_tokens": result.promptTokens + result.record.tokens,
            ],
            "greenmark": ["receipt_id": receiptID ?? NSNull(), "receipt": receiptObject, "key_id": result.record.keyID ?? NSNull()],
        ]
    }

    /// Signs and stores a receipt when the home has signing keys. The key commitment comes with
    /// the result (from the key that watermarked); without it the receipt is not signed
    /// (`signing.key_commitment_missing`, 500), never signed without the field.
    static func issueReceipt(_ result: GenerationResult, services: GenerationServices) async throws -> (SignedCertificate?, String?) {
        ServerMetrics.generatedTokens.increment(by: result.record.tokens)
        guard services.issuing.signing.exists else { return (nil, nil) }
        let (record, commitment) = (result.record, result.keyCommitment)
        let (receipt, id) = try await services.issuing.issue { issuer in try issuer.receipt(for: record, keyCommitment: commitment) }
        return (receipt, id)
    }
}
