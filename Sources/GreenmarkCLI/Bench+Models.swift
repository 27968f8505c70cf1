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
            for scheme in [WatermarkScheme.default, .selfHash, .gumbel] {
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

    /// A short label for a model file: `smollm2_135m`, `gemma3_270m`, else `model`.
    static func shortName(_ file: String) -> String {
        switch file {
        case ModelLocator.defaultModelFile: "smollm2_135m"
        case ModelLocator.gemmaModelFile: "gemma3_270m"
        default: "model"
        }
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
