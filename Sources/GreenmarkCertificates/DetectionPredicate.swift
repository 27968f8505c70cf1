import Foundation
import GreenmarkCore

/// "This text, digest D, scored S (or z) with p-value p over n tokens under key K, verdict V."
///
/// Two statistics share the predicate type (`docs/certificate-format.md`): green-list counts
/// (`green_tokens`, `z_score`, `z_threshold`) for `lefthash-v1`, `selfhash-v1` and attestations
/// without a scheme, and the `gumbel-v1` score (`score`), which needs the scheme and also
/// `p_threshold` and `search_spans`. The scheme's `prf` decides which members are required.
public struct DetectionPredicate: Codable, Sendable, Equatable {
    /// The tokenizer the text was scored with.
    public struct TokenizerInfo: Codable, Sendable, Equatable {
        public let name: String
        public let vocabulary: String
    }

    /// The statistic the attestation carries.
    public enum Statistic: Sendable, Equatable {
        /// Green-list counts: G green of T scored, z and its threshold as `%.4f`.
        case green(greenTokens: Int, zScore: String, zThreshold: String)
        /// The gumbel-v1 score S = Σ −ln(1 − r) over the scored positions, as `%.4f`.
        case gumbel(score: String)
    }

    public let common: CommonFields
    public let tokenizer: TokenizerInfo
    public let tokensScored: Int
    public let statistic: Statistic
    public let pValue: String
    public let log10PValue: String
    public let minTokens: Int
    public let keysTried: Int
    public let verdict: String
    /// Whether the detector also searched windows for a pasted span (then `p_value` is the
    /// deciding region's); absent in certificates issued before it was recorded.
    public let searchSpans: Bool?
    /// The p-value a `watermarked` verdict needs at most (`%.3e`); absent in older certificates.
    public let pThreshold: String?

    /// G, for green-list attestations.
    public var greenTokens: Int? { if case .green(let g, _, _) = statistic { g } else { nil } }
    /// z as stated (`%.4f`), for green-list attestations.
    public var zScore: String? { if case .green(_, let z, _) = statistic { z } else { nil } }
    /// The z threshold as stated (`%.4f`), for green-list attestations.
    public var zThreshold: String? { if case .green(_, _, let z) = statistic { z } else { nil } }
    /// S as stated (`%.4f`), for gumbel-v1 attestations.
    public var score: String? { if case .gumbel(let s) = statistic { s } else { nil } }

    enum CodingKeys: String, CodingKey {
        case tokenizer, verdict, score
        case searchSpans = "search_spans"
        case pThreshold = "p_threshold"
        case keysTried = "keys_tried"
        case tokensScored = "tokens_scored"
        case greenTokens = "green_tokens"
        case zScore = "z_score"
        case pValue = "p_value"
        case log10PValue = "log10_p_value"
        case zThreshold = "z_threshold"
        case minTokens = "min_tokens"
    }

    /// The predicate for a detector's result: the gumbel-v1 score when the result's scheme is
    /// gumbel-v1, green-list counts otherwise.
    public init(common: CommonFields, tokenizer: TokenizerInfo, result: DetectionResult) {
        self.common = common
        self.tokenizer = tokenizer
        tokensScored = result.tokensScored
        if result.scheme.prf == .gumbelV1 {
            statistic = .gumbel(score: String(format: "%.4f", result.score ?? 0))
        } else {
            statistic = .green(
                greenTokens: result.greenTokens, zScore: String(format: "%.4f", result.zScore), zThreshold: String(format: "%.4f", result.zThreshold))
        }
        pValue = String(format: "%.3e", result.pValue)
        log10PValue = String(format: "%.4f", result.log10PValue)
        minTokens = result.minimumScoredTokens
        keysTried = result.keysTried
        verdict = result.verdict.rawValue
        searchSpans = result.spanSearch
        pThreshold = String(format: "%.3e", result.pThreshold)
    }

    public init(from decoder: any Decoder) throws {
        common = try CommonFields(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tokenizer = try c.decode(TokenizerInfo.self, forKey: .tokenizer)
        tokensScored = try c.decode(Int.self, forKey: .tokensScored)
        pValue = try c.decode(String.self, forKey: .pValue)
        log10PValue = try c.decode(String.self, forKey: .log10PValue)
        minTokens = try c.decode(Int.self, forKey: .minTokens)
        keysTried = try c.decode(Int.self, forKey: .keysTried)
        verdict = try c.decode(String.self, forKey: .verdict)
        if common.scheme?.isGumbel == true {
            // Green-list members, if any, are not listed for gumbel-v1 and are ignored.
            statistic = .gumbel(score: try c.decode(String.self, forKey: .score))
            searchSpans = try c.decode(Bool.self, forKey: .searchSpans)
            pThreshold = try c.decode(String.self, forKey: .pThreshold)
        } else {
            statistic = .green(
                greenTokens: try c.decode(Int.self, forKey: .greenTokens), zScore: try c.decode(String.self, forKey: .zScore),
                zThreshold: try c.decode(String.self, forKey: .zThreshold))
            searchSpans = try c.decodeIfPresent(Bool.self, forKey: .searchSpans)
            pThreshold = try c.decodeIfPresent(String.self, forKey: .pThreshold)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try common.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tokenizer, forKey: .tokenizer)
        try c.encode(tokensScored, forKey: .tokensScored)
        switch statistic {
        case .green(let g, let z, let zThreshold):
            try c.encode(g, forKey: .greenTokens)
            try c.encode(z, forKey: .zScore)
            try c.encode(zThreshold, forKey: .zThreshold)
        case .gumbel(let s):
            try c.encode(s, forKey: .score)
        }
        try c.encode(pValue, forKey: .pValue)
        try c.encode(log10PValue, forKey: .log10PValue)
        try c.encode(minTokens, forKey: .minTokens)
        try c.encode(keysTried, forKey: .keysTried)
        try c.encode(verdict, forKey: .verdict)
        try c.encodeIfPresent(searchSpans, forKey: .searchSpans)
        try c.encodeIfPresent(pThreshold, forKey: .pThreshold)
    }
}
