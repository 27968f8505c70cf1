/// Watermarked vs plain (delta 0) generation with the same sampler, measured in one run.
struct GenerationComparison: Encodable {
    let tokensPerGeneration: Int
    let rounds: Int
    let watermarkedTokensPerSecond: Double
    let plainTokensPerSecond: Double
    let watermarkedSwiftMsPerToken: Double
    let plainSwiftMsPerToken: Double
    let decodeMsPerToken: Double
    let watermarkedPRFPerToken: Double
    /// Swift time per token (PRF, bias, softmax, draw) over llama.cpp decode time per token.
    let watermarkCostShareOfDecode: Double

    var throughputRatio: Double { watermarkedTokensPerSecond / plainTokensPerSecond }
    /// The watermark's own cost (Swift time per token beyond the plain sampler) over decode time.
    var watermarkOnlyShareOfDecode: Double { (watermarkedSwiftMsPerToken - plainSwiftMsPerToken) / decodeMsPerToken }

    enum CodingKeys: String, CodingKey {
        case tokensPerGeneration = "tokens_per_generation"
        case rounds
        case watermarkedTokensPerSecond = "watermarked_tokens_per_second"
        case plainTokensPerSecond = "plain_tokens_per_second"
        case watermarkedSwiftMsPerToken = "watermarked_swift_ms_per_token"
        case plainSwiftMsPerToken = "plain_swift_ms_per_token"
        case decodeMsPerToken = "decode_ms_per_token"
        case watermarkedPRFPerToken = "watermarked_prf_per_token"
        case watermarkCostShareOfDecode = "watermark_cost_share_of_decode"
        case throughputRatio = "throughput_ratio"
        case watermarkOnlyShareOfDecode = "watermark_only_share_of_decode"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tokensPerGeneration, forKey: .tokensPerGeneration)
        try c.encode(rounds, forKey: .rounds)
        try c.encode(watermarkedTokensPerSecond, forKey: .watermarkedTokensPerSecond)
        try c.encode(plainTokensPerSecond, forKey: .plainTokensPerSecond)
        try c.encode(watermarkedSwiftMsPerToken, forKey: .watermarkedSwiftMsPerToken)
        try c.encode(plainSwiftMsPerToken, forKey: .plainSwiftMsPerToken)
        try c.encode(decodeMsPerToken, forKey: .decodeMsPerToken)
        try c.encode(watermarkedPRFPerToken, forKey: .watermarkedPRFPerToken)
        try c.encode(watermarkCostShareOfDecode, forKey: .watermarkCostShareOfDecode)
        try c.encode(throughputRatio, forKey: .throughputRatio)
        try c.encode(watermarkOnlyShareOfDecode, forKey: .watermarkOnlyShareOfDecode)
    }
}
