import Foundation
import GreenmarkCore
import GreenmarkModel

extension Bench {
    /// The watermark's own cost on every installed model: the default (SmolLM2-135M, 49,152
    /// tokens) and, when installed, Gemma 3 270M (262,144 tokens, `ModelLocator.gemma()`), for
    /// lefthash-v1, selfhash-v1 and gumbel-v1. Per scheme, `rounds` watermarked and plain (no key,
    /// the same sampler) generations of `generateTokens` tokens are interleaved on one loaded model;
    /// the row is (sampler time per token watermarked − plain) / llama.cpp decode time per token,
    /// in percent: what the watermark adds to a generated token, against the ≤ 2 % goal.
    func modelRows(key: [UInt8]) throws -> [BenchRow] {
        guard generateTokens > 0 else { return [] }
        var paths: [String] = []
        if let path = try? ModelLocator.resolve(explicit: model) { paths.append(path) }
        if let gemma = ModelLocator.gemma(), !paths.contains(gemma) { paths.append(gemma) }
        var rows: [BenchRow] = []
        for path in paths {
            let llama = try LlamaModel(path: path, threads: 1)
            let generator = Generator(model: llama)
            let label = Self.shortName(llama.name)
            rows += try samplerRows(key: key, vocabulary: llama.tokenizer.vocabularySize)
            for scheme in [WatermarkScheme.leftHash, .selfHash, .gumbel] {
                let watermarkKey = try WatermarkKey(secret: key, scheme: scheme, state: .primary)
                var marked: [GenerationResult] = []
                var plain: [GenerationResult] = []
                for round in 0..<rounds {
                    // A continuation prompt on a base model, a chat prompt on a chat model.
                    let request = GenerationRequest(
                        prompt: "Write a long, detailed essay about the history of science, from antiquity to today.",
                        maxTokens: generateTokens, sampling: SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: UInt64(round)))
                    marked.append(try generator.generate(request, key: watermarkKey))
                    plain.append(try generator.generate(request, key: nil))
                }
                let cost = WatermarkCost(marked: marked, plain: plain)
                rows.append(
                    BenchRow(
                        name: "watermark_cost_\(label)_\(scheme.prf.rawValue)", unit: "% of decode", rate: cost.shareOfDecode * 100,
                        detail: String(
                            format: "%.2f%% of decode (goal <= 2%%): sampler %.3f ms/token watermarked vs %.3f plain, decode %.2f ms/token; "
                                + "%d-token vocabulary, %d + %d tokens",
                            cost.shareOfDecode * 100, cost.markedSamplerMs, cost.plainSamplerMs, cost.decodeMs, llama.tokenizer.vocabularySize,
                            cost.markedTokens, cost.plainTokens)))
            }
        }
        return rows
    }

    /// A short label for a model file (row names fit the 34 columns of the text output):
    /// `smollm2`, `gemma3`, else `model`.
    static func shortName(_ file: String) -> String {
        switch file {
        case ModelLocator.defaultModelFile: "smollm2"
        case ModelLocator.gemmaModelFile: "gemma3"
        default: "model"
        }
    }

    /// The sampler alone on one synthetic step of a `vocabulary`-token model (logits N(0, 3²),
    /// fixed seed), in ms per generated token: no watermark, lefthash-v1, selfhash-v1, gumbel-v1's
    /// whole draw, and its keyed uniforms alone (one HMAC and vocabulary / 2 AES-256 blocks) —
    /// where the watermark's time goes, without llama.cpp's decode in the measurement.
    func samplerRows(key: [UInt8], vocabulary: Int) throws -> [BenchRow] {
        var rng = SeededRandom(seed: 7)
        let logits = (0..<vocabulary).map { _ in
            let (u1, u2) = (Double.random(in: Double.ulpOfOne..<1, using: &rng), Double.random(in: 0..<1, using: &rng))
            return Float(3 * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
        }
        let parameters = SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: 1)
        var rows: [BenchRow] = []
        let samplers: [(String, GreenListPRF?)] = [
            ("plain", nil), ("lefthash-v1", try GreenListPRF(key: key, scheme: .leftHash)),
            ("selfhash-v1", try GreenListPRF(key: key, scheme: .selfHash)), ("gumbel-v1", try GreenListPRF(key: key, scheme: .gumbel)),
        ]
        for (name, prf) in samplers {
            let sampler = WatermarkSampler(prf: prf, delta: 2, parameters: parameters)
            let h = prf?.scheme.contextWidth ?? 1
            let row = logits.withUnsafeBufferPointer { buffer in
                measure("sampler_\(vocabulary)_\(name)", unit: "tokens/s") { n in
                    var sink = 0
                    var draws = SeededRandom(seed: 3)
                    for i in 0..<n {
                        let context = (0..<h).map { UInt32(truncatingIfNeeded: i &* 31 &+ $0) }
                        sink &+= Int(sampler.draw(logits: buffer, context: context, using: &draws).token)
                    }
                    return sink
                }
            }
            rows.append(BenchRow(name: row.name, unit: "ms/token", rate: 1e3 / row.rate, detail: String(format: "%.3f ms per token", 1e3 / row.rate)))
        }
        let gumbel = try GreenListPRF(key: key, scheme: .gumbel).gumbel!
        let uniforms = measureUniforms(gumbel, vocabulary: vocabulary)
        rows.append(
            BenchRow(
                name: uniforms.name, unit: "ms/token", rate: 1e3 / uniforms.rate,
                detail: String(format: "%.3f ms per token (1 HMAC + %d AES-256 blocks)", 1e3 / uniforms.rate, (vocabulary + 1) / 2)))
        return rows
    }

    /// Sampler and decode time per token of watermarked and plain generations of one model.
    struct WatermarkCost {
        let markedTokens: Int
        let plainTokens: Int
        let markedSamplerMs: Double
        let plainSamplerMs: Double
        /// llama.cpp decode time per token, over all the generations.
        let decodeMs: Double

        init(marked: [GenerationResult], plain: [GenerationResult]) {
            markedTokens = marked.reduce(0) { $0 + $1.record.tokens }
            plainTokens = plain.reduce(0) { $0 + $1.record.tokens }
            markedSamplerMs = marked.reduce(0) { $0 + $1.samplingSeconds } / Double(max(markedTokens, 1)) * 1000
            plainSamplerMs = plain.reduce(0) { $0 + $1.samplingSeconds } / Double(max(plainTokens, 1)) * 1000
            decodeMs = (marked + plain).reduce(0) { $0 + $1.decodeSeconds } / Double(max(markedTokens + plainTokens, 1)) * 1000
        }

        /// What the watermark adds to a token's sampling, over the decode time of a token.
        var shareOfDecode: Double { (markedSamplerMs - plainSamplerMs) / decodeMs }
    }
}
