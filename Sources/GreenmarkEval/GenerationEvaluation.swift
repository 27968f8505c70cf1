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
        public var prefixLengths: [Int] = [10, 16, 25, 35, 50, 75, 100, 150, 200]
        /// Generations per prompt (seed-base + prompt + 1000 * round).
        public var seedsPerPrompt: Int = 1
        /// Also generate every prompt without the watermark, with the first round's seeds
        /// (quality and no-watermark control).
        public var unwatermarkedControl: Bool = true
        /// Human passages to score for the false-positive rate (0 skips them).
        public var humanPassages: Int = 0
        public var humanDirectory: String = HumanCorpus.defaultDirectory
        /// Attack strengths to sweep on the watermarked outputs (empty skips robustness).
        public var attackStrengths: [Double] = []
        /// The evaluation key's scheme (delta is ignored for gumbel-v1).
        public var scheme: WatermarkScheme = .default

        public init() {}

        enum CodingKeys: String, CodingKey {
            case prompts, temperature, delta
            case maxTokens = "max_tokens"
            case topK = "top_k"
            case topP = "top_p"
            case seedBase = "seed_base"
            case prefixLengths = "prefix_lengths"
            case seedsPerPrompt = "seeds_per_prompt"
            case unwatermarkedControl = "unwatermarked_control"
            case humanPassages = "human_passages"
            case humanDirectory = "human_directory"
            case attackStrengths = "attack_strengths"
            case scheme
        }
    }

    /// The fixed, published evaluation key, so runs are reproducible: SHA-256("greenmark/eval-key/v1").
    public static func evaluationKey(scheme: WatermarkScheme = .default, vocabulary: String?) throws(GreenmarkError) -> WatermarkKey {
        try RobustnessEvaluation.evaluationKeys(count: 1, scheme: scheme, vocabulary: vocabulary)[0]
    }

    public let model: LlamaModel
    public let configuration: Configuration

    public init(model: LlamaModel, configuration: Configuration) {
        self.model = model
        self.configuration = configuration
    }

    /// Runs the evaluation; `progress(stage, done, total)` is called as work completes.
    public func run(progress: (String, Int, Int) -> Void = { _, _, _ in }) throws(GreenmarkError) -> EvaluationReport {
        let c = configuration
        guard c.prompts >= 1, c.prompts <= EvaluationPrompts.all.count, c.seedsPerPrompt >= 1 else {
            throw GreenmarkError(.generationInvalid, "prompts must be in 1...\(EvaluationPrompts.all.count) and seeds per prompt >= 1")
        }
        let key = try Self.evaluationKey(scheme: c.scheme, vocabulary: model.tokenizer.vocabularyID)
        let generator = Generator(model: model)
        let detector = Detector(tokenizer: model.tokenizer)
        var samples: [EvaluationSample] = []
        let total = c.prompts * (c.seedsPerPrompt + (c.unwatermarkedControl ? 1 : 0))
        for slot in EvaluationPrompts.schedule(prompts: c.prompts, rounds: c.seedsPerPrompt, seedBase: c.seedBase) {
            for watermark in (c.unwatermarkedControl && slot.round == 0 ? [true, false] : [true]) {
                var request = GenerationRequest(
                    prompt: slot.prompt, maxTokens: c.maxTokens,
                    sampling: SamplingParameters(temperature: c.temperature, topK: c.topK, topP: c.topP, seed: slot.seed),
                    delta: c.delta
                )
                request.measureLogLikelihood = true
                let result = try generator.generate(request, key: watermark ? key : nil)
                let detection = try detector.detect(result.record.text, key: key, includeMask: true)
                samples.append(
                    EvaluationSample(
                        prompt: slot.index, watermarked: watermark, result: result, detection: detection,
                        tokenizer: model.tokenizer, prefixLengths: c.prefixLengths))
                progress("generate", samples.count, total)
            }
        }

        var human: HumanSummary?
        var corpus: HumanCorpus?
        if c.humanPassages > 0 {
            let loaded = try HumanCorpus(directory: c.humanDirectory, limit: c.humanPassages)
            corpus = loaded
            var scores: [HumanSummary.Score] = []
            for (i, passage) in loaded.passages.enumerated() {
                let r = try detector.detect(passage.text, key: key, includeMask: false)
                scores.append(.init(source: passage.source, tokensScored: r.tokensScored, zScore: r.zScore, verdict: r.verdict))
                if i % 50 == 0 || i == loaded.passages.count - 1 { progress("human", i + 1, loaded.passages.count) }
            }
            human = HumanSummary(scores: scores)
        }

        var robustness: [RobustnessPoint] = []
        if !c.attackStrengths.isEmpty {
            let marked = samples.filter(\.watermarked)
            let fillers = corpus?.passages.map(\.text) ?? [EvaluationPrompts.all.joined(separator: " ")]
            let attacks = Attack.allCases
            var done = 0
            for attack in attacks {
                for strength in c.attackStrengths {
                    var rng = SeededRandom(seed: 7 + UInt64(strength * 1000))
                    var tally = DetectionTally()
                    for (i, s) in marked.enumerated() {
                        let attacked = attack.apply(to: s.text, strength: strength, human: fillers[i % fillers.count], using: &rng)
                        guard let r = try? detector.detect(attacked, key: key, includeMask: false) else { continue }
                        tally.add(r)
                    }
                    robustness.append(
                        RobustnessPoint(
                            attack: attack, strength: strength, samples: tally.count,
                            detectedRate: tally.detectedRate, meanZ: tally.meanZ))
                    done += 1
                    progress("attack", done, attacks.count * c.attackStrengths.count)
                }
            }
        }
        return EvaluationReport(
            configuration: c, model: .init(name: model.name, sha256: model.sha256), keyID: key.id,
            scheme: key.scheme, date: Date(), samples: samples, human: human, robustness: robustness
        )
    }
}
