import CLlama
import Dispatch
import Foundation
import GreenmarkCore
import GreenmarkCrypto

/// Watermarked generation with a local llama.cpp model.
public struct Generator: Sendable {
    public let model: LlamaModel

    public init(model: LlamaModel) {
        self.model = model
    }

    /// Generates text for `request`, watermarked with `key` (nil: no watermark). `onText` receives
    /// the output as it grows.
    public func generate(
        _ request: GenerationRequest, key: WatermarkKey?, cancel: CancellationFlag? = nil,
        onText: (String) -> Void = { _ in }
    ) throws(GreenmarkError) -> GenerationResult {
        try validate(request)
        let started = DispatchTime.now().uptimeNanoseconds
        let promptText: String
        if let messages = request.messages {
            promptText = try model.chatPrompt(messages: messages)
        } else {
            promptText = request.rawPrompt ? request.prompt : try model.chatPrompt(system: request.system, user: request.prompt)
        }
        let promptTokens = try model.tokenizer.tokenize(promptText, parseSpecial: true, addSpecial: true)
        guard !promptTokens.isEmpty else { throw GreenmarkError(.emptyText, "the prompt is empty") }
        // maxTokens comes from the request (up to Int.max): compared before it is added, so the sum cannot overflow.
        let needed = request.maxTokens < model.trainedContextLength ? promptTokens.count + request.maxTokens + 1 : Int.max
        guard needed <= model.trainedContextLength else {
            throw GreenmarkError(.generationInvalid, "prompt (\(promptTokens.count) tokens) plus max tokens (\(request.maxTokens)) exceeds the model's context of \(model.trainedContextLength)")
        }
        let prf = try key.map { k throws(GreenmarkError) in
            guard k.state == .primary || k.state == .enabled else {
                throw GreenmarkError(.keyNotUsable, "key \(k.id) is \(k.state.rawValue) and cannot watermark")
            }
            try k.checkVocabulary(of: model.tokenizer)
            return try k.prf()
        }
        let sampler = WatermarkSampler(prf: prf, delta: request.delta, parameters: request.sampling)
        let h = prf?.scheme.contextWidth ?? 1
        var rng = SeededRandom(seed: request.sampling.seed ?? UInt64.random(in: .min ... .max))

        var params = llama_context_default_params()
        params.n_ctx = UInt32(needed)
        params.n_batch = UInt32(max(promptTokens.count, 32))
        params.n_ubatch = params.n_batch
        params.n_threads = Int32(model.threads)
        params.n_threads_batch = Int32(model.threads)
        params.no_perf = true
        guard let ctx = llama_init_from_model(model.handle.pointer, params) else {
            throw GreenmarkError(.modelLoadFailed, "llama.cpp could not create a context of \(needed) tokens")
        }
        defer { llama_free(ctx) }
        let vocabularySize = Int(llama_vocab_n_tokens(model.handle.vocab))

        var feed = promptTokens.map { llama_token(bitPattern: $0) }
        try decode(ctx, &feed)

        var history = promptTokens
        var bytes: [UInt8] = []
        var emitted = 0          // unicode scalars already handed to onText
        var generated = 0
        var greenDrawn = 0
        var evaluations = 0
        var samplingNanos: UInt64 = 0
        var decodeNanos: UInt64 = 0
        var logLikelihood = 0.0
        var finish = GenerationRecord.FinishReason.length
        var finalText: String?

        while generated < request.maxTokens {
            if cancel?.isCancelled == true {
                finish = .cancelled
                break
            }
            guard let logits = llama_get_logits_ith(ctx, -1) else {
                throw GreenmarkError(.modelLoadFailed, "llama.cpp returned no logits")
            }
            let t0 = DispatchTime.now().uptimeNanoseconds
            let draw: WatermarkSampler.Draw
            if history.count >= h {
                draw = sampler.draw(logits: UnsafeBufferPointer(start: logits, count: vocabularySize),
                                    context: history.suffix(h), using: &rng)
            } else {
                // Fewer than h tokens of context: sample without bias (such tokens are never scored).
                let plain = WatermarkSampler(prf: nil, delta: 0, parameters: request.sampling)
                draw = plain.draw(logits: UnsafeBufferPointer(start: logits, count: vocabularySize), context: [], using: &rng)
            }
            samplingNanos += DispatchTime.now().uptimeNanoseconds - t0
            evaluations += draw.prfEvaluations

            if model.isEndOfGeneration(draw.token) {
                finish = .endOfGeneration
                break
            }
            if request.measureLogLikelihood {
                logLikelihood += Self.logProbability(of: draw.token, logits: UnsafeBufferPointer(start: logits, count: vocabularySize))
            }
            generated += 1
            if draw.green == true { greenDrawn += 1 }
            history.append(draw.token)
            bytes.append(contentsOf: model.tokenizer.pieceBytes(of: draw.token))

            let text = String(decoding: bytes[0..<Self.completeUTF8Prefix(bytes)], as: UTF8.self)
            if let cut = Self.firstStop(in: text, stops: request.stopStrings) {
                finalText = String(text[..<cut])
                finish = .stop
                let scalars = Array(finalText!.unicodeScalars)
                if scalars.count > emitted { onText(String(String.UnicodeScalarView(scalars[emitted...]))) }
                emitted = scalars.count
                break
            }
            let scalars = Array(text.unicodeScalars)
            let safe = scalars.count - Self.heldBack(text, stops: request.stopStrings)
            if safe > emitted {
                onText(String(String.UnicodeScalarView(scalars[emitted..<safe])))
                emitted = safe
            }
            if generated == request.maxTokens { break }
            var next = [llama_token(bitPattern: draw.token)]
            let d0 = DispatchTime.now().uptimeNanoseconds
            try decode(ctx, &next)
            decodeNanos += DispatchTime.now().uptimeNanoseconds - d0
        }

        let text = finalText ?? String(decoding: bytes, as: UTF8.self)
        let scalars = Array(text.unicodeScalars)
        if finalText == nil, scalars.count > emitted {
            onText(String(String.UnicodeScalarView(scalars[emitted...])))
        }
        let record = GenerationRecord(
            model: .init(name: model.name, sha256: model.sha256),
            keyID: key?.id, scheme: key?.scheme, delta: sampler.delta, sampling: request.sampling,
            promptSHA256: Hex.encode(SHA256Digest.hash(Array(promptText.utf8))),
            text: text, tokens: generated, finishReason: finish, createdAt: Date()
        )
        return GenerationResult(
            record: record, greenTokensDrawn: greenDrawn, prfEvaluations: evaluations,
            promptTokens: promptTokens.count,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9,
            samplingSeconds: Double(samplingNanos) / 1e9,
            decodeSeconds: Double(decodeNanos) / 1e9,
            logLikelihood: request.measureLogLikelihood ? logLikelihood : nil
        )
    }

    /// Streams the generation as events; cancelling the consuming task stops it at the next token.
    public func stream(_ request: GenerationRequest, key: WatermarkKey?) -> AsyncThrowingStream<GenerationEvent, any Error> {
        AsyncThrowingStream { continuation in
            let flag = CancellationFlag()
            continuation.onTermination = { _ in flag.cancel() }
            // llama_decode blocks: run on a thread of its own, not on the cooperative pool.
            let thread = Thread {
                do {
                    let result = try generate(request, key: key, cancel: flag) { continuation.yield(.text($0)) }
                    continuation.yield(.finished(result))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            thread.start()
        }
    }

    private func validate(_ r: GenerationRequest) throws(GreenmarkError) {
        if let messages = r.messages {
            guard !messages.isEmpty, messages.allSatisfy({ !$0.role.isEmpty }) else {
                throw GreenmarkError(.emptyText, "the conversation is empty")
            }
        } else {
            guard !r.prompt.isEmpty else { throw GreenmarkError(.emptyText, "the prompt is empty") }
        }
        guard r.maxTokens >= 1 else { throw GreenmarkError(.generationInvalid, "max tokens must be at least 1") }
        guard r.sampling.temperature.isFinite, r.sampling.temperature >= 0 else {
            throw GreenmarkError(.generationInvalid, "temperature must be a finite number >= 0")
        }
        guard r.sampling.topP > 0, r.sampling.topP <= 1 else { throw GreenmarkError(.generationInvalid, "top-p must be in (0, 1]") }
        guard r.sampling.topK >= 0 else { throw GreenmarkError(.generationInvalid, "top-k must be >= 0") }
        guard r.delta.isFinite, r.delta >= 0 else { throw GreenmarkError(.generationInvalid, "delta must be a finite number >= 0") }
        guard r.stopStrings.allSatisfy({ !$0.isEmpty }) else { throw GreenmarkError(.generationInvalid, "stop strings must not be empty") }
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

    /// Where the first stop string starts in `text`, if any.
    static func firstStop(in text: String, stops: [String]) -> String.Index? {
        stops.compactMap { text.range(of: $0)?.lowerBound }.min()
    }

    /// How many trailing unicode scalars of `text` could begin a stop string, and so are held back.
    static func heldBack(_ text: String, stops: [String]) -> Int {
        var held = 0
        let tail = Array(text.unicodeScalars.suffix(stops.map { $0.unicodeScalars.count }.max() ?? 0))
        for stop in stops {
            let s = Array(stop.unicodeScalars)
            for k in stride(from: min(s.count - 1, tail.count), through: 1, by: -1) where Array(tail.suffix(k)) == Array(s.prefix(k)) {
                held = max(held, k)
                break
            }
        }
        return held
    }
}
