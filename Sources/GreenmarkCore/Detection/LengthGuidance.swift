#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How much longer a text would have to be to reach a decision: the honest companion of
/// "too short to tell" and of a suggestive but insufficient score.
public enum LengthGuidance {
    /// Tokens to add, at the text's own green fraction G/T, before the watermarked verdict would be
    /// reached (z at the threshold, exact p times `correction` at most the p threshold, and the
    /// minimum length). Nil when G/T is not above gamma (more text of the same kind never
    /// confirms a watermark) or when more than `limit` tokens would be needed.
    public static func tokensToConfirm(
        green: Int, scored: Int, gamma: Double, configuration: DetectorConfiguration,
        correction: Double = 1, limit: Int = 100_000
    ) -> Int? {
        guard scored > 0 else { return nil }
        let rate = Double(green) / Double(scored)
        guard rate > gamma else { return nil }
        func passes(_ n: Int) -> Bool {
            guard n >= configuration.minimumScoredTokens else { return false }
            let g = Int((rate * Double(n)).rounded(.down))
            guard ZScore.of(green: g, scored: n, gamma: gamma) >= configuration.zThreshold else { return false }
            return BinomialTail.upper(successes: g, trials: n, probability: gamma).probability * correction <= configuration.maximumPValue
        }
        return shortestPassing(from: max(scored, configuration.minimumScoredTokens), scored: scored, limit: limit, passes)
    }

    /// gumbel-v1: tokens to add, at the text's own mean score S/T, before the watermarked verdict
    /// would be reached (Q(n, n S/T) times `correction` at most the p threshold, and the minimum
    /// length). Nil when S/T is not above 1, the mean under H0, or more than `limit` are needed.
    public static func tokensToConfirm(
        score: Double, scored: Int, configuration: DetectorConfiguration, correction: Double = 1, limit: Int = 100_000
    ) -> Int? {
        guard scored > 0 else { return nil }
        let rate = score / Double(scored)
        guard rate > 1 else { return nil }
        func passes(_ n: Int) -> Bool {
            guard n >= configuration.minimumScoredTokens else { return false }
            return GammaTail.pValue(score: rate * Double(n), count: n).probability * correction <= configuration.maximumPValue
        }
        return shortestPassing(from: max(scored, configuration.minimumScoredTokens), scored: scored, limit: limit, passes)
    }

    /// Tokens beyond `scored` to the shortest length from `start` on that `passes`: geometric steps
    /// to a length that passes, then bisection (`passes` is monotone up to the rounding of G, so
    /// the answer is "about" right, as documented); nil past `limit` more tokens.
    private static func shortestPassing(from start: Int, scored: Int, limit: Int, _ passes: (Int) -> Bool) -> Int? {
        var low = start - 1
        var high = start
        while !passes(high) {
            guard high <= scored + limit else { return nil }
            low = high
            high = high + max(1, high / 4)
        }
        while high - low > 1 {
            let mid = (low + high) / 2
            if passes(mid) { high = mid } else { low = mid }
        }
        return max(0, high - scored)
    }
}
