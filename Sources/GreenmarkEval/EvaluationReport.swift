import Foundation
import GreenmarkCore

#if canImport(Glibc)
    import Glibc
#endif

/// The result of a generation evaluation: configuration, per-sample scores and a summary.
public struct EvaluationReport: Codable, Sendable {
    /// Aggregates over one group (watermarked or not).
    public struct GroupSummary: Codable, Sendable {
        public let samples: Int
        /// Share with verdict "watermarked" (z >= 4, exact p <= 3.17e-5, >= 50 scored tokens).
        public let detectedRate: Double
        /// Share with z >= 4, whatever the length.
        public let zAtLeast4Rate: Double
        public let meanZ: Double
        public let minZ: Double
        public let maxZ: Double
        public let meanTokensScored: Double
        public let meanGreenFraction: Double
        public let meanPerplexity: Double
        public let medianPerplexity: Double
        public let meanRepetitionRate: Double
        public let meanTokensPerSecond: Double
        public let meanSamplingShare: Double
        /// For each prefix length T: how many texts had T scored tokens, and what share of them the rule detects.
        public let byPrefixLength: [PrefixSummary]

        enum CodingKeys: String, CodingKey {
            case samples
            case detectedRate = "detected_rate"
            case zAtLeast4Rate = "z_at_least_4_rate"
            case meanZ = "mean_z"
            case minZ = "min_z"
            case maxZ = "max_z"
            case meanTokensScored = "mean_tokens_scored"
            case meanGreenFraction = "mean_green_fraction"
            case meanPerplexity = "mean_perplexity"
            case medianPerplexity = "median_perplexity"
            case meanRepetitionRate = "mean_repetition_rate"
            case meanTokensPerSecond = "mean_tokens_per_second"
            case meanSamplingShare = "mean_sampling_share"
            case byPrefixLength = "by_prefix_length"
        }
    }

    /// Detection at one prefix length.
    public struct PrefixSummary: Codable, Sendable {
        public let tokens: Int
        public let samples: Int
        public let detectedRate: Double
        public let medianZ: Double

        enum CodingKeys: String, CodingKey {
            case tokens, samples
            case detectedRate = "detected_rate"
            case medianZ = "median_z"
        }
    }

    public struct Model: Codable, Sendable {
        public let name: String
        public let sha256: String
    }

    public let configuration: GenerationEvaluation.Configuration
    public let model: Model
    public let keyID: String
    public let scheme: WatermarkScheme
    public let date: Date
    public let watermarked: GroupSummary
    public let unwatermarked: GroupSummary
    /// Human passages: false-positive rate and the null distribution of z.
    public let human: HumanSummary?
    /// Watermarked (full outputs) vs human passages, by z.
    public let roc: ROC?
    /// Detection of attacked watermarked texts, by attack and strength.
    public let robustness: [RobustnessPoint]
    public let samples: [EvaluationSample]

    enum CodingKeys: String, CodingKey {
        case configuration, model, scheme, date, watermarked, unwatermarked, human, roc, robustness, samples
        case keyID = "key_id"
    }

    init(
        configuration: GenerationEvaluation.Configuration, model: Model, keyID: String, scheme: WatermarkScheme, date: Date,
        samples: [EvaluationSample], human: HumanSummary? = nil, robustness: [RobustnessPoint] = []
    ) {
        self.configuration = configuration
        self.model = model
        self.keyID = keyID
        self.scheme = scheme
        self.date = date
        self.samples = samples
        self.human = human
        self.robustness = robustness
        roc = human.map { h in ROC(positives: samples.filter(\.watermarked).map(\.zScore), negatives: h.scores.map(\.zScore)) }
        watermarked = Self.summarize(samples.filter(\.watermarked), lengths: configuration.prefixLengths)
        unwatermarked = Self.summarize(samples.filter { !$0.watermarked }, lengths: configuration.prefixLengths)
    }

    static func summarize(_ s: [EvaluationSample], lengths: [Int]) -> GroupSummary {
        func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
        func median(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.sorted()[xs.count / 2] }
        let perplexities = s.compactMap(\.perplexity)
        let prefix = lengths.map { t -> PrefixSummary in
            let scores = s.compactMap { sample in sample.prefixes.first { $0.tokens == t } }
            return PrefixSummary(
                tokens: t, samples: scores.count,
                detectedRate: scores.isEmpty ? 0 : Double(scores.count { $0.detected }) / Double(scores.count),
                medianZ: median(scores.map(\.zScore)))
        }
        return GroupSummary(
            samples: s.count,
            detectedRate: s.isEmpty ? 0 : Double(s.count { $0.verdict == .watermarked }) / Double(s.count),
            zAtLeast4Rate: s.isEmpty ? 0 : Double(s.count { $0.zScore >= 4 }) / Double(s.count),
            meanZ: mean(s.map(\.zScore)), minZ: s.map(\.zScore).min() ?? 0, maxZ: s.map(\.zScore).max() ?? 0,
            meanTokensScored: mean(s.map { Double($0.tokensScored) }),
            meanGreenFraction: mean(s.map(\.greenFraction)),
            meanPerplexity: mean(perplexities), medianPerplexity: median(perplexities),
            meanRepetitionRate: mean(s.map(\.repetitionRate)),
            meanTokensPerSecond: mean(s.map(\.tokensPerSecond)),
            meanSamplingShare: mean(s.map(\.samplingShare)),
            byPrefixLength: prefix
        )
    }
}

/// Scores of human passages under the evaluation key.
public struct HumanSummary: Codable, Sendable {
    public struct Score: Codable, Sendable {
        public let source: String
        public let tokensScored: Int
        public let zScore: Double
        public let verdict: Verdict

        enum CodingKeys: String, CodingKey {
            case source, verdict
            case tokensScored = "tokens_scored"
            case zScore = "z_score"
        }
    }

    /// Observed share of passages with z at or above a threshold, next to the N(0, 1) tail.
    public struct Calibration: Codable, Sendable {
        public let z: Double
        public let observed: Double
        public let normal: Double
    }

    public let passages: Int
    /// Share with verdict "watermarked": the false-positive rate.
    public let falsePositiveRate: Double
    public let zAtLeast4Rate: Double
    public let meanZ: Double
    public let standardDeviationZ: Double
    public let maxZ: Double
    /// Kolmogorov-Smirnov distance between the z distribution and N(0, 1).
    public let ksDistance: Double
    public let calibration: [Calibration]
    public let meanTokensScored: Double
    public let scores: [Score]

    enum CodingKeys: String, CodingKey {
        case passages, calibration, scores
        case falsePositiveRate = "false_positive_rate"
        case zAtLeast4Rate = "z_at_least_4_rate"
        case meanZ = "mean_z"
        case standardDeviationZ = "sd_z"
        case maxZ = "max_z"
        case ksDistance = "ks_distance"
        case meanTokensScored = "mean_tokens_scored"
    }

    init(scores: [Score]) {
        self.scores = scores
        let z = scores.map(\.zScore)
        let n = Double(max(z.count, 1))
        passages = scores.count
        falsePositiveRate = Double(scores.count { $0.verdict == .watermarked }) / n
        zAtLeast4Rate = Double(z.count { $0 >= 4 }) / n
        let mean = z.reduce(0, +) / n
        meanZ = mean
        standardDeviationZ = (z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / max(n - 1, 1)).squareRoot()
        maxZ = z.max() ?? 0
        meanTokensScored = Double(scores.map(\.tokensScored).reduce(0, +)) / n
        calibration = [1.0, 2.0, 3.0, 4.0].map { t in Calibration(z: t, observed: Double(z.count { $0 >= t }) / n, normal: Self.normalTail(t)) }
        let sorted = z.sorted()
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let cdf = 1 - Self.normalTail(x)
            d = max(d, abs(Double(i + 1) / n - cdf), abs(Double(i) / n - cdf))
        }
        ksDistance = d
    }

    private static func normalTail(_ x: Double) -> Double { 0.5 * erfc(x / 2.squareRoot()) }
}

/// Detection of attacked watermarked texts at one attack strength.
public struct RobustnessPoint: Codable, Sendable {
    public let attack: Attack
    public let strength: Double
    public let samples: Int
    public let detectedRate: Double
    public let meanZ: Double

    enum CodingKeys: String, CodingKey {
        case attack, strength, samples
        case detectedRate = "detected_rate"
        case meanZ = "mean_z"
    }
}
