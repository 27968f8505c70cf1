extension DetectionResult {
    /// Decodes a result; `green_tokens` and `green_fraction` may be absent (gumbel-v1).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        zScore = try c.decode(Double.self, forKey: .zScore)
        pValue = try c.decode(Double.self, forKey: .pValue)
        log10PValue = try c.decode(Double.self, forKey: .log10PValue)
        tokensScored = try c.decode(Int.self, forKey: .tokensScored)
        greenTokens = try c.decodeIfPresent(Int.self, forKey: .greenTokens) ?? 0
        greenFraction = try c.decodeIfPresent(Double.self, forKey: .greenFraction) ?? 0
        score = try c.decodeIfPresent(Double.self, forKey: .score)
        tokensTotal = try c.decode(Int.self, forKey: .tokensTotal)
        watermarked = try c.decode(Bool.self, forKey: .watermarked)
        verdict = try c.decode(Verdict.self, forKey: .verdict)
        moreTokensNeeded = try c.decodeIfPresent(Int.self, forKey: .moreTokensNeeded)
        keyID = try c.decode(String.self, forKey: .keyID)
        keysTried = try c.decode(Int.self, forKey: .keysTried)
        pValueSingleKey = try c.decode(Double.self, forKey: .pValueSingleKey)
        scheme = try c.decode(WatermarkScheme.self, forKey: .scheme)
        zThreshold = try c.decode(Double.self, forKey: .zThreshold)
        pThreshold = try c.decode(Double.self, forKey: .pThreshold)
        minimumScoredTokens = try c.decode(Int.self, forKey: .minimumScoredTokens)
        normalized = try c.decode(Bool.self, forKey: .normalized)
        normalizer = try c.decode(String.self, forKey: .normalizer)
        normalization = try c.decode(TextNormalizer.Changes.self, forKey: .normalization)
        moreTokensToConfirm = try c.decodeIfPresent(Int.self, forKey: .moreTokensToConfirm)
        spanSearch = try c.decode(Bool.self, forKey: .spanSearch)
        span = try c.decodeIfPresent(SpanMatch.self, forKey: .span)
        tokenizer = try c.decode(String.self, forKey: .tokenizer)
        mask = try c.decodeIfPresent([TokenMark].self, forKey: .mask)
    }

    /// Encodes the result; for gumbel-v1 `score` replaces `green_tokens` and `green_fraction`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(zScore, forKey: .zScore)
        try c.encode(pValue, forKey: .pValue)
        try c.encode(log10PValue, forKey: .log10PValue)
        try c.encode(tokensScored, forKey: .tokensScored)
        if let score {
            try c.encode(score, forKey: .score)
        } else {
            try c.encode(greenTokens, forKey: .greenTokens)
            try c.encode(greenFraction, forKey: .greenFraction)
        }
        try c.encode(tokensTotal, forKey: .tokensTotal)
        try c.encode(watermarked, forKey: .watermarked)
        try c.encode(verdict, forKey: .verdict)
        try c.encodeIfPresent(moreTokensNeeded, forKey: .moreTokensNeeded)
        try c.encode(keyID, forKey: .keyID)
        try c.encode(keysTried, forKey: .keysTried)
        try c.encode(pValueSingleKey, forKey: .pValueSingleKey)
        try c.encode(scheme, forKey: .scheme)
        try c.encode(zThreshold, forKey: .zThreshold)
        try c.encode(pThreshold, forKey: .pThreshold)
        try c.encode(minimumScoredTokens, forKey: .minimumScoredTokens)
        try c.encode(normalized, forKey: .normalized)
        try c.encode(normalizer, forKey: .normalizer)
        try c.encode(normalization, forKey: .normalization)
        try c.encodeIfPresent(moreTokensToConfirm, forKey: .moreTokensToConfirm)
        try c.encode(spanSearch, forKey: .spanSearch)
        try c.encodeIfPresent(span, forKey: .span)
        try c.encode(tokenizer, forKey: .tokenizer)
        try c.encodeIfPresent(mask, forKey: .mask)
    }
}
