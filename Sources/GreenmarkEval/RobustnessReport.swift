import Foundation
import GreenmarkCore

/// The result of a robustness evaluation (`RobustnessEvaluation`), per seeding scheme.
public struct RobustnessReport: Codable, Sendable {
    /// Detection of attacked watermarked texts for one attack and strength.
    public struct AttackRow: Codable, Sendable {
        public let attack: String
        public let strength: Double
        public let samples: Int
        /// Share with the watermarked verdict (z >= 4, p <= 3.17e-5, >= 50 scored tokens).
        public let detectedRate: Double
        public let meanZ: Double
        public let medianZ: Double

        enum CodingKeys: String, CodingKey {
            case attack, strength, samples
            case detectedRate = "detected_rate"
            case meanZ = "mean_z"
            case medianZ = "median_z"
        }
    }

    /// A watermarked span pasted inside human text.
    public struct PasteResult: Codable, Sendable {
        public let documents: Int
        /// Mean watermarked tokens per document (the span).
        public let spanTokens: Int
        /// The corrected false-positive rate detection is held to.
        public let alpha: Double
        /// Share detected by whole-text detection at `alpha` (and z >= 4).
        public let plainDetected: Double
        /// Share detected by span search at corrected `alpha`.
        public let windowedDetected: Double
        /// Share given the watermarked verdict by span search under the default rule (p <= 3.17e-5).
        public let windowedDecisionRule: Double
        /// Share where at least half of the reported span lies inside the pasted span.
        public let spanLocated: Double
        public let medianWindowedLog10P: Double
        public let medianPlainLog10P: Double

        enum CodingKeys: String, CodingKey {
            case documents, alpha
            case spanTokens = "span_tokens"
            case plainDetected = "plain_detected"
            case windowedDetected = "windowed_detected"
            case windowedDecisionRule = "windowed_decision_rule"
            case spanLocated = "span_located"
            case medianWindowedLog10P = "median_windowed_log10_p"
            case medianPlainLog10P = "median_plain_log10_p"
        }
    }

    /// Empirical false-positive rate at one significance level.
    public struct Rate: Codable, Sendable {
        public let alpha: Double
        public let count: Int
        public let passages: Int
        public var rate: Double { passages == 0 ? 0 : Double(count) / Double(passages) }
        /// One-sided 95 % upper confidence bound on the rate (Clopper-Pearson).
        public var upper95: Double { ClopperPearson.upper(successes: count, trials: passages, confidence: 0.95) }

        init(alpha: Double, count: Int, passages: Int) {
            self.alpha = alpha
            self.count = count
            self.passages = passages
        }

        enum CodingKeys: String, CodingKey {
            case alpha, count, passages, rate
            case upper95 = "upper_95"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(alpha, forKey: .alpha)
            try c.encode(count, forKey: .count)
            try c.encode(passages, forKey: .passages)
            try c.encode(rate, forKey: .rate)
            try c.encode(upper95, forKey: .upper95)
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                alpha: try c.decode(Double.self, forKey: .alpha), count: try c.decode(Int.self, forKey: .count),
                passages: try c.decode(Int.self, forKey: .passages))
        }
    }

    /// False positives on human passages in one detection mode.
    public struct FalsePositiveRow: Codable, Sendable {
        public let mode: String
        public let keys: Int
        public let passages: Int
        /// Passages given the watermarked verdict (the false positives of the default rule).
        public let watermarkedVerdicts: Int
        /// Empirical rate of corrected p <= alpha, for each alpha.
        public let rates: [Rate]
        public let meanZ: Double
        public let maxZ: Double

        enum CodingKeys: String, CodingKey {
            case mode, keys, passages, rates
            case watermarkedVerdicts = "watermarked_verdicts"
            case meanZ = "mean_z"
            case maxZ = "max_z"
        }
    }

    /// Everything measured for one scheme.
    public struct SchemeResult: Codable, Sendable {
        public let scheme: WatermarkScheme
        public let keyID: String
        public let generations: Int
        /// Generations that reached the minimum length and enter the attack table.
        public let fullLength: Int
        public let meanGeneratedTokens: Double
        public let attacks: [AttackRow]
        public let paste: PasteResult
        public let humanFalsePositives: [FalsePositiveRow]
        /// Mean z of the human passages under each evaluation key alone (0 for a calibrated key).
        public let perKeyHumanMeanZ: [Double]

        enum CodingKeys: String, CodingKey {
            case scheme, generations, attacks, paste
            case keyID = "key_id"
            case fullLength = "full_length"
            case meanGeneratedTokens = "mean_generated_tokens"
            case humanFalsePositives = "human_false_positives"
            case perKeyHumanMeanZ = "per_key_human_mean_z"
        }
    }

    public struct Model: Codable, Sendable {
        public let name: String
        public let sha256: String
    }

    public let configuration: RobustnessEvaluation.Configuration
    public let model: Model
    public let date: Date
    public let humanPassages: Int
    public let meanHumanTokens: Double
    public let schemes: [SchemeResult]

    enum CodingKeys: String, CodingKey {
        case configuration, model, date, schemes
        case humanPassages = "human_passages"
        case meanHumanTokens = "mean_human_tokens"
    }
}
