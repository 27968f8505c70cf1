import GreenmarkCore

/// Exact (Clopper-Pearson) confidence bounds for a binomial proportion.
public enum ClopperPearson {
    /// The one-sided upper bound: the largest p with P[Bin(n, p) <= k] >= 1 - confidence.
    public static func upper(successes k: Int, trials n: Int, confidence: Double) -> Double {
        guard n > 0 else { return 1 }
        guard k < n else { return 1 }
        let target = 1 - confidence
        var lo = Double(k) / Double(n)
        var hi = 1.0
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            // P[Bin(n, mid) <= k] = 1 - P[Bin(n, mid) >= k + 1]
            let cdf = 1 - BinomialTail.upper(successes: k + 1, trials: n, probability: mid).probability
            if cdf >= target { lo = mid } else { hi = mid }
        }
        return lo
    }
}
