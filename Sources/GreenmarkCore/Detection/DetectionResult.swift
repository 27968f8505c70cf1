/// The outcome of scoring one text under one key.
public struct DetectionResult: Codable, Sendable {
    /// z = (G - gamma T) / sqrt(T gamma (1 - gamma)).
    public let zScore: Double
    /// Exact one-sided binomial tail P[Bin(T, gamma) >= G], times the number of keys tried
    /// (Bonferroni): the chance that text written without any of these keys scores this high.
    public let pValue: Double
    /// log10 of `pValue`, finite even when `pValue` underflows to 0.
    public let log10PValue: Double
    /// T: tokens that counted.
    public let tokensScored: Int
    /// G: scored tokens that are green.
    public let greenTokens: Int
    /// G / T (0 when nothing was scored).
    public let greenFraction: Double
    /// Tokens in the text, scored or not.
    public let tokensTotal: Int
    /// True exactly when `verdict == .watermarked`: at least the minimum number of scored tokens,
    /// z at or above the threshold, and the exact p-value at or below `pThreshold`.
    public let watermarked: Bool
    public let verdict: Verdict
    /// For a "too short" verdict: how many more scored tokens the text needs.
    public let moreTokensNeeded: Int?
    /// The key that matched best (smallest p-value).
    public let keyID: String
    /// How many watermark keys were tried; `pValue` is Bonferroni-corrected for them.
    public let keysTried: Int
    /// The matched key's own p-value, before the correction for `keysTried`.
    public let pValueSingleKey: Double
    public let scheme: WatermarkScheme
    public let zThreshold: Double
    /// The p-value a watermarked verdict must also reach (normal upper tail at `zThreshold`).
    public let pThreshold: Double
    public let minimumScoredTokens: Int
    /// Whether normalization changed the text before tokenization.
    public let normalized: Bool
    /// The tokenizer's name.
    public let tokenizer: String
    /// Per-token detail, when requested.
    public let mask: [TokenMark]?

    enum CodingKeys: String, CodingKey {
        case zScore = "z_score"
        case pValue = "p_value"
        case log10PValue = "log10_p_value"
        case tokensScored = "tokens_scored"
        case greenTokens = "green_tokens"
        case greenFraction = "green_fraction"
        case tokensTotal = "tokens_total"
        case watermarked, verdict
        case moreTokensNeeded = "more_tokens_needed"
        case keyID = "key_id"
        case keysTried = "keys_tried"
        case pValueSingleKey = "p_value_single_key"
        case scheme
        case zThreshold = "z_threshold"
        case pThreshold = "p_threshold"
        case minimumScoredTokens = "min_tokens"
        case normalized, tokenizer, mask
    }

    public init(
        zScore: Double, pValue: Double, log10PValue: Double, tokensScored: Int, greenTokens: Int,
        tokensTotal: Int, verdict: Verdict, moreTokensNeeded: Int?, keyID: String, keysTried: Int = 1, pValueSingleKey: Double? = nil, scheme: WatermarkScheme,
        zThreshold: Double, pThreshold: Double, minimumScoredTokens: Int, normalized: Bool, tokenizer: String, mask: [TokenMark]?
    ) {
        self.zScore = zScore
        self.pValue = pValue
        self.log10PValue = log10PValue
        self.tokensScored = tokensScored
        self.greenTokens = greenTokens
        self.greenFraction = tokensScored > 0 ? Double(greenTokens) / Double(tokensScored) : 0
        self.tokensTotal = tokensTotal
        self.watermarked = verdict == .watermarked
        self.verdict = verdict
        self.moreTokensNeeded = moreTokensNeeded
        self.keyID = keyID
        self.keysTried = keysTried
        self.pValueSingleKey = pValueSingleKey ?? pValue
        self.scheme = scheme
        self.zThreshold = zThreshold
        self.pThreshold = pThreshold
        self.minimumScoredTokens = minimumScoredTokens
        self.normalized = normalized
        self.tokenizer = tokenizer
        self.mask = mask
    }
}
