/// The outcome of scoring one text under one key.
///
/// For a gumbel-v1 key the statistic is the score S (`score`) over T scored tokens instead of the
/// green count: `greenTokens` and `greenFraction` are 0 and absent from the JSON, and `zScore` is
/// the standardized score (S - T) / sqrt(T).
public struct DetectionResult: Codable, Sendable {
    /// z = (G - gamma T) / sqrt(T gamma (1 - gamma)); for gumbel-v1, (S - T) / sqrt(T).
    public let zScore: Double
    /// The exact one-sided tail of the deciding region (binomial P[Bin(T, gamma) >= G], or for
    /// gumbel-v1 the Gamma tail Q(T, S)), times the number of keys tried and the span-search factor
    /// (Bonferroni), capped at 1: an upper bound, over the random choice of the keys, on the chance
    /// that a text written without any of them scores this high. It is not the false-positive rate
    /// of one fixed key over a body of texts (`docs/results/fairness.md`).
    public let pValue: Double
    /// log10 of `pValue`, finite even when `pValue` underflows to 0.
    public let log10PValue: Double
    /// T: tokens that counted.
    public let tokensScored: Int
    /// G: scored tokens that are green (0 for gumbel-v1).
    public let greenTokens: Int
    /// G / T (0 when nothing was scored, and for gumbel-v1).
    public let greenFraction: Double
    /// gumbel-v1 only: S = Σ -ln(1 - r) over the T scored tokens of the whole text; nil otherwise.
    public let score: Double?
    /// Tokens in the text, scored or not.
    public let tokensTotal: Int
    /// True exactly when `verdict == .watermarked`: at least the minimum number of scored tokens,
    /// z at or above the threshold (green-list schemes only), and the exact p-value at or below
    /// `pThreshold`.
    public let watermarked: Bool
    public let verdict: Verdict
    /// For a "too short" verdict: how many more scored tokens the text needs.
    public let moreTokensNeeded: Int?
    /// The key that matched best (smallest p-value).
    public let keyID: String
    /// How many watermark keys were tried; `pValue` is Bonferroni-corrected for them.
    public let keysTried: Int
    /// The matched key's own p-value: corrected for the windows searched (with span search), not
    /// for `keysTried`.
    public let pValueSingleKey: Double
    public let scheme: WatermarkScheme
    public let zThreshold: Double
    /// The p-value a watermarked verdict must also reach (normal upper tail at `zThreshold`).
    public let pThreshold: Double
    public let minimumScoredTokens: Int
    /// Whether normalization changed the text before tokenization.
    public let normalized: Bool
    /// The normalization applied (`TextNormalizer.version`).
    public let normalizer: String
    /// What normalization changed, per kind (invisible characters, confusables, ...).
    public let normalization: TextNormalizer.Changes
    /// For a verdict other than watermarked, when the text's green fraction is above gamma: about
    /// how many more tokens at the same green fraction would reach the watermarked verdict.
    public let moreTokensToConfirm: Int?
    /// Whether partial-text search ran (`pValue` is then corrected for the windows searched).
    public let spanSearch: Bool
    /// The span that decided, when partial-text search found a span more significant than the
    /// whole text (after correction); nil otherwise.
    public let span: SpanMatch?
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
        case score
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
        case normalized, normalizer, normalization
        case moreTokensToConfirm = "more_tokens_to_confirm"
        case spanSearch = "span_search"
        case span, tokenizer, mask
    }

    public init(
        zScore: Double, pValue: Double, log10PValue: Double, tokensScored: Int, greenTokens: Int,
        tokensTotal: Int, verdict: Verdict, moreTokensNeeded: Int?, keyID: String, keysTried: Int = 1, pValueSingleKey: Double? = nil,
        scheme: WatermarkScheme,
        zThreshold: Double, pThreshold: Double, minimumScoredTokens: Int, normalized: Bool, tokenizer: String, mask: [TokenMark]?,
        normalization: TextNormalizer.Changes = TextNormalizer.Changes(), moreTokensToConfirm: Int? = nil,
        spanSearch: Bool = false, span: SpanMatch? = nil, score: Double? = nil
    ) {
        self.zScore = zScore
        self.pValue = pValue
        self.log10PValue = log10PValue
        self.tokensScored = tokensScored
        self.greenTokens = greenTokens
        self.greenFraction = tokensScored > 0 ? Double(greenTokens) / Double(tokensScored) : 0
        self.score = score
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
        self.normalizer = TextNormalizer.version
        self.normalization = normalization
        self.moreTokensToConfirm = moreTokensToConfirm
        self.spanSearch = spanSearch
        self.span = span
        self.tokenizer = tokenizer
        self.mask = mask
    }
}
