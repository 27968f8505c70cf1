import CLlama
import Dispatch
import Foundation
import GreenmarkCore
import GreenmarkCrypto

/// Watermarked generation with a local llama.cpp model.
public struct Generator: Sendable {
    public let model: LlamaModel
    /// Most context tokens (prompt, output and one spare) one generation may use: the model's
    /// trained context, or less (a `BatchScheduler`'s per-sequence cap).
    public let contextLimit: Int

    /// A generator for `model`; `contextLimit` (nil: the model's trained context) caps the
    /// context of each generation, and is itself capped by the trained context.
    public init(model: LlamaModel, contextLimit: Int? = nil) {
        self.model = model
        self.contextLimit = min(model.trainedContextLength, max(1, contextLimit ?? .max))
    }

    /// A request checked against the model and the key, its prompt built and tokenized:
    /// everything that can fail on bad input, done before the model is taken.
    public struct Prepared: Sendable {
        public let request: GenerationRequest
        public let prompt: Prompt
        public let key: WatermarkKey?
        let prf: GreenListPRF?
        /// The key's commitment (`docs/key-disclosure.md`), for the receipt.
        let keyCommitment: String?
        /// Context tokens to allocate: prompt, output and one spare.
        let contextTokens: Int
    }

    /// Checks `request` (`GenerationRequest.validate()`), the key (usable, made for this
    /// model's vocabulary) and the prompt's size, and tokenizes the prompt.
    public func prepare(_ request: GenerationRequest, key: WatermarkKey?) throws(GreenmarkError) -> Prepared {
        try request.validate()
        // Every token is at most `longestTokenBytes` long, so a longer prompt cannot fit: refused
        // before it is tokenized (a 4 MiB body would otherwise take seconds).
        let limit = contextLimit
        let budget = request.maxTokens < limit ? limit - request.maxTokens - 1 : 0
        let texts = request.messages.map { $0.map(\.content) } ?? [request.prompt] + (request.system.map { [$0] } ?? [])
        let visibleBytes = texts.reduce(0) { $0 + $1.utf8.reduce(0) { $0 + (LlamaModel.isSpace($1) ? 0 : 1) } }
        guard visibleBytes <= budget * model.longestTokenBytes else {
            throw GreenmarkError(
                .generationInvalid,
                "the prompt cannot fit: with max tokens \(request.maxTokens) the context of \(limit) tokens per generation leaves \(budget) tokens for it"
            )
        }
        let prompt: Prompt
        if let messages = request.messages {
            prompt = try model.prompt(messages: messages)
        } else {
            prompt = request.rawPrompt ? try model.rawPrompt(request.prompt) : try model.prompt(system: request.system, user: request.prompt)
        }
        guard !prompt.tokens.isEmpty else { throw GreenmarkError(.emptyText, "the prompt is empty") }
        // maxTokens comes from the request (up to Int.max): compared before it is added, so the sum cannot overflow.
        let needed = request.maxTokens < limit ? prompt.tokens.count + request.maxTokens + 1 : Int.max
        guard needed <= limit else {
            throw GreenmarkError(
                .generationInvalid,
                "prompt (\(prompt.tokens.count) tokens) plus max tokens (\(request.maxTokens)) exceeds the context of \(limit) tokens per generation"
                    + (limit < model.trainedContextLength ? " (this server's limit; the model's is \(model.trainedContextLength))" : "")
            )
        }
        var commitment: String?
        let prf = try key.map { k throws(GreenmarkError) in
            guard k.state == .primary || k.state == .enabled else {
                throw GreenmarkError(.keyNotUsable, "key \(k.id) is \(k.state.rawValue) and cannot watermark")
            }
            try k.checkVocabulary(of: model.tokenizer)
            // Taken from the key that watermarks, so the receipt commits to exactly that key.
            guard let c = k.commitment else { throw GreenmarkError(.keyNotUsable, "key \(k.id) is destroyed and cannot watermark") }
            commitment = c
            return try k.prf()
        }
        return Prepared(request: request, prompt: prompt, key: key, prf: prf, keyCommitment: commitment, contextTokens: needed)
    }

    /// Generates text for `request`, watermarked with `key` (nil: no watermark). `onText` receives
    /// the output as it grows.
    public func generate(
        _ request: GenerationRequest, key: WatermarkKey?, cancel: CancellationFlag? = nil,
        onText: (String) -> Void = { _ in }
    ) throws(GreenmarkError) -> GenerationResult {
        try generate(prepare(request, key: key), cancel: cancel, onText: onText)
    }

    /// Generates text for a prepared request in a context of its own (one sequence, one token per
    /// `llama_decode`). `onText` receives the output as it grows; a cancelled `cancel` stops the
    /// generation before the next token (finish reason `cancelled`). `BatchScheduler` runs many
    /// prepared requests through one shared context instead.
    public func generate(
        _ prepared: Prepared, cancel: CancellationFlag? = nil, onText: (String) -> Void = { _ in }
    ) throws(GreenmarkError) -> GenerationResult {
        let promptTokens = prepared.prompt.tokens
        var state = SequenceState(prepared)

        var params = llama_context_default_params()
        params.n_ctx = UInt32(prepared.contextTokens)
        params.n_batch = UInt32(max(promptTokens.count, 32))
        params.n_ubatch = params.n_batch
        params.n_threads = Int32(model.threads)
        params.n_threads_batch = Int32(model.threads)
        params.no_perf = true
        guard let ctx = llama_init_from_model(model.handle.pointer, params) else {
            throw GreenmarkError(.modelLoadFailed, "llama.cpp could not create a context of \(prepared.contextTokens) tokens")
        }
        defer { llama_free(ctx) }
        let vocabularySize = Int(llama_vocab_n_tokens(model.handle.vocab))

        var feed = promptTokens.map { llama_token(bitPattern: $0) }
        try decode(ctx, &feed)
        while true {
            if cancel?.isCancelled == true {
                state.cancel()
                break
            }
            guard let logits = llama_get_logits_ith(ctx, -1) else {
                throw GreenmarkError(.modelLoadFailed, "llama.cpp returned no logits")
            }
            guard let token = state.step(logits: UnsafeBufferPointer(start: logits, count: vocabularySize), model: model, onText: onText)
            else { break }
            var next = [token]
            let d0 = DispatchTime.now().uptimeNanoseconds
            try decode(ctx, &next)
            state.decodeNanos += DispatchTime.now().uptimeNanoseconds - d0
        }
        return state.result(model: model, onText: onText)
    }

    /// Streams the generation as events; cancelling the consuming task stops it at the next token.
    public func stream(_ request: GenerationRequest, key: WatermarkKey?) -> AsyncThrowingStream<GenerationEvent, any Error> {
        do {
            return stream(try prepare(request, key: key))
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }

    /// Streams a prepared generation as events on a thread of its own. It stops at the next
    /// token when `cancel` is cancelled or the stream is dropped or its consumer cancelled;
    /// `onExit` runs on that thread once the model is no longer in use (after the last token,
    /// an error or a cancellation), before the stream finishes.
    public func stream(
        _ prepared: Prepared, cancel: CancellationFlag = CancellationFlag(),
        onExit: @escaping @Sendable () -> Void = {}
    ) -> AsyncThrowingStream<GenerationEvent, any Error> {
        AsyncThrowingStream { continuation in
            continuation.onTermination = { _ in cancel.cancel() }
            // llama_decode blocks: run on a thread of its own, not on the cooperative pool.
            let thread = Thread {
                do {
                    let result = try generate(prepared, cancel: cancel) { continuation.yield(.text($0)) }
                    onExit()
                    continuation.yield(.finished(result))
                    continuation.finish()
                } catch {
                    onExit()
                    continuation.finish(throwing: error)
                }
            }
            thread.start()
        }
    }

    private func decode(_ ctx: OpaquePointer, _ tokens: inout [llama_token]) throws(GreenmarkError) {
        let status = tokens.withUnsafeMutableBufferPointer { buf in
            llama_decode(ctx, llama_batch_get_one(buf.baseAddress, Int32(buf.count)))
        }
        guard status == 0 else { throw GreenmarkError(.modelLoadFailed, "llama_decode failed (\(status))") }
    }

    /// ln softmax(logits)[token] at temperature 1.
    static func logProbability(of token: UInt32, logits: UnsafeBufferPointer<Float>) -> Double {
        var m = -Float.infinity
        for l in logits where l > m { m = l }
        var sum = 0.0
        for l in logits { sum += exp(Double(l - m)) }
        return Double(logits[Int(token)] - m) - log(sum)
    }

    /// Length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence.
    static func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
        var i = bytes.count - 1
        var continuation = 0
        while i >= 0, continuation < 4 {
            let c = bytes[i]
            if c & 0xC0 == 0x80 {
                continuation += 1
                i -= 1
                continue
            }
            let length = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
            return bytes.count - i >= length ? bytes.count : i
        }
        return bytes.count
    }
}
