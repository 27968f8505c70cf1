#if canImport(Glibc)
import Glibc
#endif

/// Scores texts for the red/green watermark: normalize, tokenize with the model's own tokenizer,
/// count green tokens under a key, and turn the count into z, an exact p-value and a verdict.
public struct Detector: Sendable {
    public let tokenizer: any Tokenizer
    public let configuration: DetectorConfiguration
    public let normalizer: TextNormalizer

    public init(tokenizer: any Tokenizer, configuration: DetectorConfiguration = .default, normalizer: TextNormalizer = TextNormalizer()) {
        self.tokenizer = tokenizer
        self.configuration = configuration
        self.normalizer = normalizer
    }

    /// Scores `text` under `key`. Throws for empty text and for keys that cannot detect.
    public func detect(_ text: String, key: WatermarkKey, includeMask: Bool = true) throws(GreenmarkError) -> DetectionResult {
        try detect(text, keys: [key], includeMask: includeMask)
    }

    /// Scores `text` under each of `keys` (for example every key that can detect) and reports the
    /// key with the smallest p-value, Bonferroni-corrected for the number of keys tried, so trying
    /// more keys never raises the false-positive rate.
    public func detect(_ text: String, keys: [WatermarkKey], includeMask: Bool = true) throws(GreenmarkError) -> DetectionResult {
        try TextInput.requireContent(text)
        guard !keys.isEmpty else { throw GreenmarkError(.noPrimaryKey, "no watermark key can detect") }
        var prfs: [GreenListPRF] = []
        for key in keys {
            guard key.state.detects else {
                throw GreenmarkError(.keyNotUsable, "key \(key.id) is \(key.state.rawValue) and cannot be used for detection")
            }
            try key.checkVocabulary(of: tokenizer)
            prfs.append(try key.prf())
        }
        let normalized = normalizer.normalize(text)
        let tokens = try tokenizer.tokenize(normalized.text)
        var best: (index: Int, scores: TokenScores, tail: BinomialTail.Value)?
        for (i, prf) in prfs.enumerated() {
            let scores = TokenScores(tokens: tokens, prf: prf, ignoreRepeats: configuration.ignoreRepeatedNgrams)
            let tail = BinomialTail.upper(successes: scores.green, trials: scores.scored, probability: prf.scheme.gamma)
            if best == nil || tail.log10Probability < best!.tail.log10Probability { best = (i, scores, tail) }
        }
        let chosen = best!
        let mask = includeMask ? makeMask(tokens: tokens, scores: chosen.scores, textByteCount: normalized.text.utf8.count) : nil
        return Self.decide(scores: chosen.scores, singleKeyTail: chosen.tail, tokensTotal: tokens.count, key: keys[chosen.index],
                           keysTried: keys.count, configuration: configuration, normalized: normalized.changed,
                           tokenizer: tokenizer.name, mask: mask)
    }

    /// Turns counts and the matched key's own tail probability into the statistic and the verdict.
    static func decide(
        scores: TokenScores, singleKeyTail single: BinomialTail.Value, tokensTotal: Int, key: WatermarkKey, keysTried: Int,
        configuration: DetectorConfiguration, normalized: Bool, tokenizer: String, mask: [TokenMark]?
    ) -> DetectionResult {
        let z = ZScore.of(green: scores.green, scored: scores.scored, gamma: key.scheme.gamma)
        // Bonferroni over the keys tried: p = min(1, k p_min).
        let log10P = min(0, single.log10Probability + log10(Double(keysTried)))
        let tail = BinomialTail.Value(probability: min(1, single.probability * Double(keysTried)), log10Probability: log10P)
        let verdict: Verdict
        var more: Int?
        if scores.scored < configuration.minimumScoredTokens {
            verdict = .tooShort
            more = configuration.minimumScoredTokens - scores.scored
        } else if z >= configuration.zThreshold && tail.probability <= configuration.maximumPValue {
            verdict = .watermarked
        } else {
            verdict = .noWatermark
        }
        return DetectionResult(
            zScore: z, pValue: tail.probability, log10PValue: tail.log10Probability,
            tokensScored: scores.scored, greenTokens: scores.green, tokensTotal: tokensTotal,
            verdict: verdict, moreTokensNeeded: more, keyID: key.id, keysTried: keysTried, pValueSingleKey: single.probability, scheme: key.scheme,
            zThreshold: configuration.zThreshold, pThreshold: configuration.maximumPValue, minimumScoredTokens: configuration.minimumScoredTokens,
            normalized: normalized, tokenizer: tokenizer, mask: mask
        )
    }

    private func makeMask(tokens: [UInt32], scores: TokenScores, textByteCount: Int) -> [TokenMark] {
        let pieces = tokens.map { tokenizer.pieceBytes(of: $0) }
        let tiles = pieces.reduce(0) { $0 + $1.count } == textByteCount
        var offset = 0
        return tokens.indices.map { i in
            let start = offset
            offset += pieces[i].count
            return TokenMark(
                id: tokens[i], text: String(decoding: pieces[i], as: UTF8.self),
                start: tiles ? start : nil, end: tiles ? offset : nil,
                green: scores.greenFlags[i], scored: scores.skips[i] == nil, skip: scores.skips[i]
            )
        }
    }
}
