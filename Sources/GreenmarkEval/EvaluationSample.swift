import GreenmarkCore
import GreenmarkModel

/// One generated text and how it scored.
public struct EvaluationSample: Codable, Sendable {
    /// z and decision on the first T scored tokens of a text.
    public struct PrefixScore: Codable, Sendable {
        public let tokens: Int
        public let zScore: Double
        public let detected: Bool

        enum CodingKeys: String, CodingKey {
            case tokens
            case zScore = "z_score"
            case detected
        }
    }

    public let prompt: Int
    public let watermarked: Bool
    /// The generated text.
    public let text: String
    public let tokensGenerated: Int
    public let tokensScored: Int
    public let greenFraction: Double
    /// gumbel-v1 only: the score S of the whole text (nil for the green-list schemes).
    public let score: Double?
    public let zScore: Double
    public let log10PValue: Double
    public let verdict: Verdict
    public let perplexity: Double?
    /// Share of the output's token 4-grams that repeat an earlier 4-gram.
    public let repetitionRate: Double
    public let tokensPerSecond: Double
    /// Swift sampling time as a share of llama.cpp decode time.
    public let samplingShare: Double
    public let prefixes: [PrefixScore]

    enum CodingKeys: String, CodingKey {
        case prompt, watermarked, text, verdict, perplexity, prefixes
        case tokensGenerated = "tokens_generated"
        case tokensScored = "tokens_scored"
        case greenFraction = "green_fraction"
        case score
        case zScore = "z_score"
        case log10PValue = "log10_p_value"
        case repetitionRate = "repetition_rate"
        case tokensPerSecond = "tokens_per_second"
        case samplingShare = "sampling_share"
    }

    init(prompt: Int, watermarked: Bool, result: GenerationResult, detection: DetectionResult, tokenizer: any Tokenizer, prefixLengths: [Int]) {
        self.prompt = prompt
        self.watermarked = watermarked
        text = result.record.text
        tokensGenerated = result.record.tokens
        tokensScored = detection.tokensScored
        greenFraction = detection.greenFraction
        score = detection.score
        zScore = detection.zScore
        log10PValue = detection.log10PValue
        verdict = detection.verdict
        perplexity = result.perplexity
        tokensPerSecond = Double(result.record.tokens) / max(result.seconds, 1e-9)
        samplingShare = result.samplingSeconds / max(result.decodeSeconds, 1e-9)
        let ids = (detection.mask ?? []).map(\.id)
        if ids.count >= 4 {
            var seen = Set<[UInt32]>()
            var repeats = 0
            for i in 0...(ids.count - 4) where !seen.insert(Array(ids[i..<(i + 4)])).inserted { repeats += 1 }
            repetitionRate = Double(repeats) / Double(ids.count - 3)
        } else {
            repetitionRate = 0
        }
        let scored = (detection.mask ?? []).filter(\.scored)
        let flags = scored.map { $0.green == true }
        let rule = DetectorConfiguration.default
        if detection.score != nil {
            // gumbel-v1: the prefix's score S over t positions, p = Q(t, S); p alone decides.
            let values = scored.map { $0.score ?? 0 }
            prefixes = prefixLengths.filter { $0 <= values.count }.map { t in
                let s = values.prefix(t).reduce(0, +)
                let p = GammaTail.pValue(score: s, count: t).probability
                return PrefixScore(tokens: t, zScore: ZScore.ofScore(s, scored: t), detected: p <= rule.maximumPValue)
            }
            return
        }
        prefixes = prefixLengths.filter { $0 <= flags.count }.map { t in
            let g = flags.prefix(t).filter { $0 }.count
            let z = ZScore.of(green: g, scored: t, gamma: detection.scheme.gamma)
            let p = BinomialTail.upper(successes: g, trials: t, probability: detection.scheme.gamma).probability
            return PrefixScore(tokens: t, zScore: z, detected: z >= rule.zThreshold && p <= rule.maximumPValue)
        }
    }
}
