#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Scores texts for the watermark: normalize, tokenize with the model's own tokenizer, count green
/// tokens (or, for gumbel-v1, sum the scores -ln(1 - r)) under a key, and turn the statistic into
/// z, an exact p-value and a verdict.
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
    /// key with the smallest p-value, Bonferroni-corrected for the number of keys tried (and, with
    /// span search, for the windows searched), so trying more keys or windows never raises the
    /// false-positive rate.
    public func detect(_ text: String, keys: [WatermarkKey], includeMask: Bool = true) throws(GreenmarkError) -> DetectionResult {
        try TextInput.requireContent(text)
        try configuration.validate()
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
        let search = configuration.searchSpans ? SpanSearch(minimumLength: configuration.minimumScoredTokens) : nil
        var best: Match?
        for (i, prf) in prfs.enumerated() {
            let scores = TokenScores(tokens: tokens, prf: prf, ignoreRepeats: configuration.ignoreRepeatedNgrams)
            let match = Match(keyIndex: i, scores: scores, gamma: prf.scheme.gamma, keysTried: keys.count, search: search)
            if best == nil || match.corrected.log10Probability < best!.corrected.log10Probability { best = match }
        }
        let chosen = best!
        let pieces = includeMask || chosen.window != nil ? tokens.map { tokenizer.pieceBytes(of: $0) } : []
        let tiles = pieces.reduce(0) { $0 + $1.count } == normalized.text.utf8.count
        let mask = includeMask ? makeMask(tokens: tokens, pieces: pieces, tiles: tiles, scores: chosen.scores) : nil
        let span = chosen.window.map {
            spanMatch($0, scores: chosen.scores, pieces: pieces, tiles: tiles, gamma: keys[chosen.keyIndex].scheme.gamma)
        }
        return Self.decide(
            match: chosen, key: keys[chosen.keyIndex], keysTried: keys.count, tokensTotal: tokens.count,
            configuration: configuration, normalization: normalized.changes, tokenizer: tokenizer.name,
            mask: mask, span: span)
    }

    /// One key's best region (the whole text, or a span when search found a more significant one).
    struct Match {
        let keyIndex: Int
        let scores: TokenScores
        /// The whole text's own tail.
        let textTail: BinomialTail.Value
        /// The deciding window, when a span beat the whole text.
        let window: SpanSearch.Best?
        /// Multiplier applied to the deciding region's tail for one key (1, 2, or 2m).
        let regionFactor: Double
        /// The deciding region's p-value, corrected for windows and keys.
        let corrected: BinomialTail.Value
        /// The deciding region's p-value corrected for windows only (this key alone).
        let singleKey: Double

        /// Weighted Bonferroni: without a grid the text carries all of a key's weight 1/k; with m
        /// windows the text carries 1/(2k) and each window 1/(2km).
        init(keyIndex: Int, scores: TokenScores, gamma: Double, keysTried: Int, search: SpanSearch?) {
            self.keyIndex = keyIndex
            self.scores = scores
            textTail = TokenScores.tail(green: scores.green, sum: scores.score, count: scores.scored, gamma: gamma, gumbel: scores.isGumbel)
            let candidate = search?.best(in: scores, gamma: gamma)
            var region = textTail
            var factor = candidate == nil ? 1.0 : 2.0
            var window: SpanSearch.Best?
            if let candidate, candidate.tail.log10Probability + log10(Double(candidate.windows)) < textTail.log10Probability {
                window = candidate
                region = candidate.tail
                factor = 2.0 * Double(candidate.windows)
            }
            self.window = window
            regionFactor = factor
            singleKey = min(1, region.probability * factor)
            let total = factor * Double(keysTried)
            corrected = BinomialTail.Value(
                probability: min(1, region.probability * total),
                log10Probability: min(0, region.log10Probability + log10(total)))
        }
    }

    /// Turns the chosen match into the statistic and the verdict.
    static func decide(
        match: Match, key: WatermarkKey, keysTried: Int, tokensTotal: Int, configuration: DetectorConfiguration,
        normalization: TextNormalizer.Changes, tokenizer: String, mask: [TokenMark]?, span: SpanMatch?
    ) -> DetectionResult {
        let scores = match.scores
        let gamma = key.scheme.gamma
        let z =
            scores.isGumbel
            ? ZScore.ofScore(scores.score, scored: scores.scored) : ZScore.of(green: scores.green, scored: scores.scored, gamma: gamma)
        let regionZ = span?.zScore ?? z
        let tail = match.corrected
        // gumbel-v1: the exact p-value alone decides (at p <= 3.17e-5 the right-skewed Gamma's z
        // is above 4 anyway); the green-list schemes also need z at the threshold.
        let zPasses = scores.isGumbel || regionZ >= configuration.zThreshold
        let verdict: Verdict
        var more: Int?
        if scores.scored < configuration.minimumScoredTokens {
            verdict = .tooShort
            more = configuration.minimumScoredTokens - scores.scored
        } else if zPasses && tail.probability <= configuration.maximumPValue {
            verdict = .watermarked
        } else {
            verdict = .noWatermark
        }
        let correction = (configuration.searchSpans ? 2.0 : 1.0) * Double(keysTried)
        let confirm: Int?
        if verdict == .watermarked {
            confirm = nil
        } else if scores.isGumbel {
            confirm = LengthGuidance.tokensToConfirm(
                score: scores.score, scored: scores.scored, configuration: configuration, correction: correction)
        } else {
            confirm = LengthGuidance.tokensToConfirm(
                green: scores.green, scored: scores.scored, gamma: gamma, configuration: configuration, correction: correction)
        }
        return DetectionResult(
            zScore: z, pValue: tail.probability, log10PValue: tail.log10Probability,
            tokensScored: scores.scored, greenTokens: scores.green, tokensTotal: tokensTotal,
            verdict: verdict, moreTokensNeeded: more, keyID: key.id, keysTried: keysTried,
            pValueSingleKey: match.singleKey,
            scheme: key.scheme, zThreshold: configuration.zThreshold, pThreshold: configuration.maximumPValue,
            minimumScoredTokens: configuration.minimumScoredTokens, normalized: normalization.any, tokenizer: tokenizer, mask: mask,
            normalization: normalization, moreTokensToConfirm: confirm, spanSearch: configuration.searchSpans, span: span,
            score: scores.isGumbel ? scores.score : nil
        )
    }

    private func spanMatch(_ best: SpanSearch.Best, scores: TokenScores, pieces: [[UInt8]], tiles: Bool, gamma: Double) -> SpanMatch {
        // Map scored positions back to token indices.
        var scoredIndex = 0
        var first = 0
        var last = 0
        for i in scores.skips.indices where scores.skips[i] == nil {
            if scoredIndex == best.window.start { first = i }
            if scoredIndex == best.window.start + best.window.length - 1 {
                last = i
                break
            }
            scoredIndex += 1
        }
        let byteStart = pieces[..<first].reduce(0) { $0 + $1.count }
        let bytes = pieces[first...last].flatMap { $0 }
        return SpanMatch(
            tokenStart: first, tokenEnd: last + 1,
            byteStart: tiles ? byteStart : nil, byteEnd: tiles ? byteStart + bytes.count : nil,
            tokensScored: best.window.length, greenTokens: best.green,
            zScore: scores.isGumbel
                ? ZScore.ofScore(best.score, scored: best.window.length) : ZScore.of(green: best.green, scored: best.window.length, gamma: gamma),
            pValueUncorrected: best.tail.probability, log10PValueUncorrected: best.tail.log10Probability,
            windowsSearched: best.windows, text: String(decoding: bytes, as: UTF8.self),
            score: scores.isGumbel ? best.score : nil
        )
    }

    private func makeMask(tokens: [UInt32], pieces: [[UInt8]], tiles: Bool, scores: TokenScores) -> [TokenMark] {
        var offset = 0
        return tokens.indices.map { i in
            let start = offset
            offset += pieces[i].count
            return TokenMark(
                id: tokens[i], text: String(decoding: pieces[i], as: UTF8.self),
                start: tiles ? start : nil, end: tiles ? offset : nil,
                green: scores.greenFlags[i], scored: scores.skips[i] == nil, skip: scores.skips[i],
                score: scores.isGumbel ? scores.values[i] : nil
            )
        }
    }
}
