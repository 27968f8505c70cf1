import GreenmarkCrypto

/// Green/scored flags (or, for gumbel-v1, scores) for a token sequence under one PRF: the
/// counting at the heart of detection.
public struct TokenScores: Sendable {
    /// G (0 for gumbel-v1).
    public let green: Int
    /// T.
    public let scored: Int
    /// Per token: green under the key, or nil for the first h tokens (always nil for gumbel-v1).
    public let greenFlags: [Bool?]
    /// Per token: why it was not scored, or nil when it was.
    public let skips: [TokenMark.Skip?]
    /// Whether these are gumbel-v1 scores (statistic S ~ Gamma(T, 1) under H0) rather than green counts.
    public let isGumbel: Bool
    /// gumbel-v1 only: per token -ln(1 - r) under the key, nil for the first h tokens; empty for
    /// the green-list schemes.
    public let values: [Double?]
    /// gumbel-v1 only: S, the sum of `values` over the scored tokens (0 for the green-list schemes).
    public let score: Double

    /// Scores `tokens`: the first h have no context; with `ignoreRepeats`, a PRF input seen before
    /// (the (context, token) n-gram for LeftHash and gumbel-v1, the (anchor, token) pair for
    /// SelfHash) is not scored again, so every scored value is a fresh PRF output.
    public init(tokens: [UInt32], prf: GreenListPRF, ignoreRepeats: Bool) {
        let h = prf.scheme.contextWidth
        let gumbel = prf.gumbel
        // One reusable AES context for the whole text (re-keyed per token).
        let cipher: AES256CTRContext? =
            gumbel == nil
            ? nil
            : {
                do throws(CryptoError) { return try AES256CTRContext() } catch { fatalError("AES-256-CTR unavailable: \(error.description)") }
            }()
        var flags = [Bool?](repeating: nil, count: tokens.count)
        var values = [Double?](repeating: nil, count: gumbel == nil ? 0 : tokens.count)
        var skips = [TokenMark.Skip?](repeating: .noContext, count: tokens.count)
        var green = 0
        var scored = 0
        var sum = 0.0
        var seenPairs = Set<UInt64>()  // h == 1: context and token packed in 64 bits
        var seenGrams = Set<ArraySlice<UInt32>>()
        if tokens.count > h {
            tokens.withUnsafeBufferPointer { ids in
                for i in h..<ids.count {
                    let context = UnsafeBufferPointer(rebasing: ids[(i - h)..<i])
                    var isGreen = false
                    var value = 0.0
                    var fresh = true
                    switch prf.scheme.prf {
                    case .leftHashV1, .gumbelV1:
                        if let gumbel {
                            value = gumbel.score(context: context, token: ids[i], cipher: cipher!)
                            values[i] = value
                        } else {
                            isGreen = prf.isGreen(context: context, token: ids[i])
                            flags[i] = isGreen
                        }
                        if ignoreRepeats {
                            if h == 1 {
                                fresh = seenPairs.insert(UInt64(ids[i - 1]) << 32 | UInt64(ids[i])).inserted
                            } else {
                                fresh = seenGrams.insert(tokens[(i - h)...i]).inserted
                            }
                        }
                    case .selfHashV1:
                        // The green bit is a function of (anchor, token): a repeated pair repeats the bit.
                        let anchor = prf.anchor(context: context, token: ids[i])
                        isGreen = prf.isGreen(anchor: anchor, token: ids[i])
                        flags[i] = isGreen
                        if ignoreRepeats { fresh = seenPairs.insert(UInt64(anchor) << 32 | UInt64(ids[i])).inserted }
                    }
                    if fresh {
                        skips[i] = nil
                        scored += 1
                        if isGreen { green += 1 }
                        sum += value
                    } else {
                        skips[i] = .repeated
                    }
                }
            }
        }
        self.green = green
        self.scored = scored
        self.greenFlags = flags
        self.skips = skips
        self.isGumbel = gumbel != nil
        self.values = values
        self.score = sum
    }

    /// The statistic's exact upper tail for a region of `count` scored tokens holding `green` green
    /// tokens (green-list schemes, gamma) or score `sum` (gumbel-v1): the region's p-value.
    static func tail(green: Int, sum: Double, count: Int, gamma: Double, gumbel: Bool) -> BinomialTail.Value {
        guard gumbel else { return BinomialTail.upper(successes: green, trials: count, probability: gamma) }
        guard count > 0 else { return BinomialTail.Value(probability: 1, log10Probability: 0) }
        return GammaTail.pValue(score: sum, count: count)
    }
}
