import Foundation
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkModel

/// Detectability and quality of watermarked generation, measured on the real model: each prompt is
/// generated with and without the watermark (same sampler, same seed, delta 0), both outputs are
/// re-tokenized from the text alone and scored, and the model's perplexity on its own output is
/// recorded.
public struct GenerationEvaluation: Sendable {
    /// Settings of one evaluation run.
    public struct Configuration: Codable, Sendable {
        public var prompts: Int = 50
        public var maxTokens: Int = 200
        public var temperature: Double = 1.0
        public var topK: Int = 0
        public var topP: Double = 1.0
        public var delta: Double = 2.0
        public var seedBase: UInt64 = 1000
        public var prefixLengths: [Int] = [10, 16, 25, 35, 50, 75, 100, 150]

        public init() {}

        enum CodingKeys: String, CodingKey {
            case prompts, temperature, delta
            case maxTokens = "max_tokens", topK = "top_k", topP = "top_p"
            case seedBase = "seed_base", prefixLengths = "prefix_lengths"
        }
    }

    /// The fixed, published evaluation key, so runs are reproducible: SHA-256("greenmark/eval-key/v1").
    public static func evaluationKey(scheme: WatermarkScheme = .default, vocabulary: String?) throws(GreenmarkError) -> WatermarkKey {
        try WatermarkKey(secret: SHA256Digest.hash(Array("greenmark/eval-key/v1".utf8)), scheme: scheme, state: .primary, vocabulary: vocabulary)
    }

    public let model: LlamaModel
    public let configuration: Configuration

    public init(model: LlamaModel, configuration: Configuration) {
        self.model = model
        self.configuration = configuration
    }

    /// Runs the evaluation; `progress(done, total)` is called after every generation.
    public func run(progress: (Int, Int) -> Void = { _, _ in }) throws(GreenmarkError) -> EvaluationReport {
        let c = configuration
        guard c.prompts >= 1, c.prompts <= EvaluationPrompts.all.count else {
            throw GreenmarkError(.generationInvalid, "prompts must be in 1...\(EvaluationPrompts.all.count)")
        }
        let key = try Self.evaluationKey(vocabulary: model.tokenizer.vocabularyID)
        let generator = Generator(model: model)
        let detector = Detector(tokenizer: model.tokenizer)
        var samples: [EvaluationSample] = []
        let total = c.prompts * 2
        for (index, prompt) in EvaluationPrompts.all.prefix(c.prompts).enumerated() {
            for watermark in [true, false] {
                var request = GenerationRequest(
                    prompt: prompt, maxTokens: c.maxTokens,
                    sampling: SamplingParameters(temperature: c.temperature, topK: c.topK, topP: c.topP, seed: c.seedBase + UInt64(index)),
                    delta: c.delta
                )
                request.measureLogLikelihood = true
                let result = try generator.generate(request, key: watermark ? key : nil)
                let detection = try detector.detect(result.record.text, key: key, includeMask: true)
                samples.append(EvaluationSample(prompt: index, watermarked: watermark, result: result, detection: detection,
                                                tokenizer: model.tokenizer, prefixLengths: c.prefixLengths))
                progress(samples.count, total)
            }
        }
        return EvaluationReport(
            configuration: c, model: .init(name: model.name, sha256: model.sha256), keyID: key.id,
            scheme: key.scheme, date: Date(), samples: samples
        )
    }
}
