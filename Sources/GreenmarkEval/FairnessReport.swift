import Foundation
import GreenmarkCore

/// What `greenmark eval fairness` measured: per scheme and passage set, how the false-positive
/// rate of single keys spreads around the nominal rate, against what a fair key would show.
public struct FairnessReport: Codable, Sendable {
    public let configuration: FairnessEvaluation.Configuration
    public let tokenizer: String
    public let date: Date
    /// Passages scored (the largest set).
    public let passages: Int
    public let firstSource: String
    public let lastSource: String
    /// Mean tokens per passage.
    public let meanTokens: Double
    public let schemes: [SchemeResult]

    /// One scheme's results on each passage set.
    public struct SchemeResult: Codable, Sendable {
        public let scheme: WatermarkScheme
        public let subsets: [SubsetResult]
    }

    /// Order statistics of per-key false-positive rates divided by the nominal α.
    public struct Ratios: Codable, Sendable {
        public let min: Double
        public let median: Double
        public let mean: Double
        public let p95: Double
        public let p99: Double
        public let max: Double
    }

    /// A fair key's ratios: quantiles of the count of independent false positives with the
    /// passages' exact attained sizes, divided by the nominal count.
    public struct FairRatios: Codable, Sendable {
        public let median: Double
        public let p95: Double
        public let p99: Double
    }

    /// Results at one α.
    public struct AlphaResult: Codable, Sendable {
        public let alpha: Double
        /// n α.
        public let nominalCount: Double
        /// Mean count a fair key expects: Σ over passages of the exact P[p ≤ α] (≤ n α, the
        /// binomial test being discrete).
        public let fairMeanCount: Double
        public let observedMeanCount: Double
        /// Per-key count / (n α).
        public let ratio: Ratios
        public let fairRatio: FairRatios
        /// Keys whose count exceeds 2 n α, and how many of the keys a fair key would give.
        public let keysAbove2x: Int
        public let fairKeysAbove2x: Double
        /// Variance of per-key counts across keys, and a fair key's (Poisson-binomial) variance.
        public let observedVariance: Double
        public let fairVariance: Double
        /// observed / fair variance: 1 for keys as fair as independent texts allow.
        public let dispersion: Double
        /// Σ (c_k − μ)² / σ² over keys, its degrees of freedom (the number of keys) and upper tail.
        public let chiSquare: Double
        public let degreesOfFreedom: Int
        public let chiSquarePValue: Double
        /// The same statistic's Monte Carlo p-value over fair keys (exact for small counts).
        public let monteCarloPValue: Double
        /// Standard deviation of per-key true rates once binomial noise is removed, / α.
        public let excessSDRatio: Double
        /// 99th percentile of per-key true rates / α, from a gamma distribution with the observed
        /// mean and excess standard deviation (a denoised estimate; equals the mean when there is
        /// no excess).
        public let denoisedP99Ratio: Double
        /// The evaluation key's (key 0) count / (n α).
        public let evaluationKeyRatio: Double

        enum CodingKeys: String, CodingKey {
            case alpha, ratio, dispersion
            case nominalCount = "nominal_count"
            case fairMeanCount = "fair_mean_count"
            case observedMeanCount = "observed_mean_count"
            case fairRatio = "fair_ratio"
            case keysAbove2x = "keys_above_2x"
            case fairKeysAbove2x = "fair_keys_above_2x"
            case observedVariance = "observed_variance"
            case fairVariance = "fair_variance"
            case chiSquare = "chi_square"
            case degreesOfFreedom = "degrees_of_freedom"
            case chiSquarePValue = "chi_square_p_value"
            case monteCarloPValue = "monte_carlo_p_value"
            case excessSDRatio = "excess_sd_ratio"
            case denoisedP99Ratio = "denoised_p99_ratio"
            case evaluationKeyRatio = "evaluation_key_ratio"
        }
    }

    /// The corpus-mean z under each key: its spread across keys is the honest standard error of
    /// "the mean z of this corpus under one key"; the independence standard error ignores that
    /// texts share PRF inputs.
    public struct MeanZ: Codable, Sendable {
        public let meanOverKeys: Double
        public let sdOverKeys: Double
        /// Mean within-key standard deviation of z over passages.
        public let withinKeySD: Double
        /// withinKeySD / √n: the standard error if passages were independent.
        public let independenceSE: Double
        /// (sdOverKeys / independenceSE)²: variance inflation from shared PRF inputs.
        public let designEffect: Double
        public let evaluationKeyMeanZ: Double

        enum CodingKeys: String, CodingKey {
            case meanOverKeys = "mean_over_keys"
            case sdOverKeys = "sd_over_keys"
            case withinKeySD = "within_key_sd"
            case independenceSE = "independence_se"
            case designEffect = "design_effect"
            case evaluationKeyMeanZ = "evaluation_key_mean_z"
        }
    }

    /// One key's counts.
    public struct KeyRow: Codable, Sendable {
        public let keyID: String
        /// False positives at each α of the configuration, in order.
        public let counts: [Int]
        public let meanZ: Double
        /// Verdicts `watermarked` under the default rule.
        public let watermarked: Int

        enum CodingKeys: String, CodingKey {
            case counts, watermarked
            case keyID = "key_id"
            case meanZ = "mean_z"
        }
    }

    /// One scheme on the first `passages` passages.
    public struct SubsetResult: Codable, Sendable {
        public let passages: Int
        public let lastSource: String
        public let alphas: [AlphaResult]
        public let meanZ: MeanZ
        /// Default-rule verdicts `watermarked` over all keys and passages, and the bound
        /// keys × passages × p threshold on their expectation.
        public let watermarkedVerdicts: Int
        public let watermarkedBound: Double
        public let perKey: [KeyRow]

        enum CodingKeys: String, CodingKey {
            case passages, alphas
            case lastSource = "last_source"
            case meanZ = "mean_z"
            case watermarkedVerdicts = "watermarked_verdicts"
            case watermarkedBound = "watermarked_bound"
            case perKey = "per_key"
        }
    }

    enum CodingKeys: String, CodingKey {
        case configuration, tokenizer, date, passages, schemes
        case firstSource = "first_source"
        case lastSource = "last_source"
        case meanTokens = "mean_tokens"
    }
}
