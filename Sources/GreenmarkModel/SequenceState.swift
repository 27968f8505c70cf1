import CLlama
import Dispatch
import Foundation
import GreenmarkCore

/// One generation's sampling state, from its first drawn token to its result: the watermark
/// sampler, the seeded random generator, the token history and the output text with its stop
/// strings.
///
/// The single-sequence path (`Generator.generate`) and the batch scheduler (`BatchScheduler`)
/// both drive it, one `step` per token, so for the same logits and seed they draw the same tokens
/// and end for the same reason.
struct SequenceState {
    let prepared: Generator.Prepared
    private let sampler: WatermarkSampler
    /// Samples without bias while the history is shorter than the scheme's context width.
    private let plainSampler: WatermarkSampler
    private let contextWidth: Int
    private var rng: SeededRandom
    private var history: [UInt32]
    /// gumbel-v1: the unwatermarked prefix and the contexts that already keyed a draw.
    private var gumbel = WatermarkSampler.GumbelState()
    private var output: OutputText
    /// Tokens generated so far.
    private(set) var generated = 0
    private var greenDrawn = 0
    private var evaluations = 0
    private var samplingNanos: UInt64 = 0
    /// Nanoseconds of llama.cpp decoding of generated tokens, charged by the caller.
    var decodeNanos: UInt64 = 0
    private var logLikelihood = 0.0
    /// Why the generation ended; nil while it runs.
    private(set) var finish: GenerationRecord.FinishReason?
    private let started: UInt64

    init(_ prepared: Generator.Prepared) {
        self.prepared = prepared
        let request = prepared.request
        sampler = WatermarkSampler(prf: prepared.prf, delta: request.delta, parameters: request.sampling)
        plainSampler = WatermarkSampler(prf: nil, delta: 0, parameters: request.sampling)
        contextWidth = prepared.prf?.scheme.contextWidth ?? 1
        rng = SeededRandom(seed: request.sampling.seed ?? UInt64.random(in: .min ... .max))
        history = prepared.prompt.tokens
        output = OutputText(stops: request.stopStrings)
        started = DispatchTime.now().uptimeNanoseconds
    }

    /// Draws the next token from `logits` (one per vocabulary entry, after the history so far) and
    /// passes any text that may now be streamed to `onText`. Returns the token to decode next, or
    /// nil when the generation ended (`finish` says why: end of generation, a stop string, or max
    /// tokens reached).
    mutating func step(logits: UnsafeBufferPointer<Float>, model: LlamaModel, onText: (String) -> Void) -> llama_token? {
        let request = prepared.request
        let t0 = DispatchTime.now().uptimeNanoseconds
        let draw: WatermarkSampler.Draw
        if history.count >= contextWidth {
            draw = sampler.draw(logits: logits, context: history.suffix(contextWidth), state: &gumbel, using: &rng)
        } else {
            // Fewer than h tokens of context: sample without bias (such tokens are never scored).
            draw = plainSampler.draw(logits: logits, context: [], using: &rng)
        }
        samplingNanos += DispatchTime.now().uptimeNanoseconds - t0
        evaluations += draw.prfEvaluations

        if model.isEndOfGeneration(draw.token) {
            finish = .endOfGeneration
            return nil
        }
        if request.measureLogLikelihood {
            logLikelihood += Generator.logProbability(of: draw.token, logits: logits)
        }
        generated += 1
        if draw.green == true { greenDrawn += 1 }
        history.append(draw.token)

        let piece = output.append(model.tokenizer.pieceBytes(of: draw.token))
        if !piece.isEmpty { onText(piece) }
        if output.stopped {
            finish = .stop
            return nil
        }
        if generated >= request.maxTokens {
            finish = .length
            return nil
        }
        return llama_token(bitPattern: draw.token)
    }

    /// Marks the generation cancelled (its consumer asked it to stop before the next token).
    mutating func cancel() {
        if finish == nil { finish = .cancelled }
    }

    /// Ends the generation: passes the held-back text to `onText` (when no stop string matched)
    /// and returns the result with its record.
    mutating func result(model: LlamaModel, onText: (String) -> Void) -> GenerationResult {
        let rest = output.finish()
        if !rest.isEmpty { onText(rest) }
        let request = prepared.request
        let record = GenerationRecord(
            model: .init(name: model.name, sha256: model.sha256),
            keyID: prepared.key?.id, scheme: prepared.key?.scheme, delta: sampler.delta, sampling: request.sampling,
            promptSHA256: prepared.prompt.sha256,
            text: output.text, tokens: generated, finishReason: finish ?? .length, createdAt: Date()
        )
        return GenerationResult(
            record: record, keyCommitment: prepared.keyCommitment, greenTokensDrawn: greenDrawn, prfEvaluations: evaluations,
            promptTokens: prepared.prompt.tokens.count,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9,
            samplingSeconds: Double(samplingNanos) / 1e9,
            decodeSeconds: Double(decodeNanos) / 1e9,
            logLikelihood: request.measureLogLikelihood ? logLikelihood : nil
        )
    }
}
