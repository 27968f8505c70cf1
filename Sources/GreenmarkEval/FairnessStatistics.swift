import GreenmarkCore
import GreenmarkModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The statistics behind `greenmark eval fairness`: attained test sizes, the count distribution
/// of a fair key, percentiles and the test of dispersion in excess of binomial.
public enum FairnessStatistics {
    /// The exact probability, under H0, that a text with `scored` binomial positions reaches
    /// p ≤ `alpha`: P[Bin(T, γ) ≥ k*] for the smallest k* whose tail is at most `alpha`. The
    /// binomial test is discrete, so this is at most `alpha` and often well below it.
    public static func attainedSize(alpha: Double, scored: Int, gamma: Double) -> Double {
        guard scored > 0 else { return 0 }
        // The tail is decreasing in k: bisect for the smallest k with tail <= alpha.
        var low = 0
        var high = scored + 1
        while high - low > 1 {
            let mid = (low + high) / 2
            if BinomialTail.upper(successes: mid, trials: scored, probability: gamma).probability <= alpha { high = mid } else { low = mid }
        }
        return high > scored ? 0 : BinomialTail.upper(successes: high, trials: scored, probability: gamma).probability
    }

    /// The distribution of a count of independent Bernoulli(q_i) events (Poisson binomial),
    /// truncated where the remaining mass is below 1e-15.
    public static func poissonBinomialPMF(_ q: [Double]) -> [Double] {
        var pmf = [1.0]
        for p in q where p > 0 {
            var next = [Double](repeating: 0, count: pmf.count + 1)
            for c in pmf.indices {
                next[c] += pmf[c] * (1 - p)
                next[c + 1] += pmf[c] * p
            }
            while next.count > 1, next[next.count - 1] < 1e-18, next.count > 8 { next.removeLast() }
            pmf = next
        }
        return pmf
    }

    /// The smallest count whose cumulative probability reaches `probability`.
    public static func quantile(pmf: [Double], probability: Double) -> Int {
        var total = 0.0
        for (c, mass) in pmf.enumerated() {
            total += mass
            if total >= probability - 1e-12 { return c }
        }
        return pmf.count - 1
    }

    /// Mean and variance of a count distribution.
    public static func moments(pmf: [Double]) -> (mean: Double, variance: Double) {
        let mean = pmf.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
        let variance = pmf.enumerated().reduce(0.0) { $0 + (Double($1.offset) - mean) * (Double($1.offset) - mean) * $1.element }
        return (mean, variance)
    }

    /// The `p`-quantile of `values` by linear interpolation between order statistics (type 7,
    /// numpy's and R's default).
    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        precondition(!values.isEmpty)
        let sorted = values.sorted()
        let h = Double(sorted.count - 1) * p
        let i = Int(h.rounded(.down))
        guard i + 1 < sorted.count else { return sorted[sorted.count - 1] }
        return sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i])
    }

    /// Sample mean and (n − 1) variance.
    public static func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
        guard !values.isEmpty else { return (0, 0) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1))
    }

    /// The upper tail of the chi-square distribution with `df` degrees of freedom at `x`.
    public static func chiSquareUpper(_ x: Double, degreesOfFreedom df: Int) -> Double {
        GammaTail.upper(shape: Double(df) / 2, x: max(0, x) / 2).probability
    }

    /// The dispersion statistic Σ (c_k − μ)² / σ² of `counts` against a fair key's mean and variance.
    public static func dispersionStatistic(_ counts: [Int], mean: Double, variance: Double) -> Double {
        guard variance > 0 else { return 0 }
        return counts.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / variance
    }

    /// Monte Carlo p-value of the dispersion statistic: the share of `replicates` sets of
    /// `counts.count` fair keys (independent draws from `pmf`) whose statistic reaches the
    /// observed one, as (1 + hits) / (1 + replicates). Exact for small counts, where the
    /// chi-square approximation is poor. Deterministic for a given `seed`.
    public static func dispersionMonteCarloPValue(counts: [Int], pmf: [Double], replicates: Int, seed: UInt64) -> Double {
        let (mean, variance) = moments(pmf: pmf)
        let observed = dispersionStatistic(counts, mean: mean, variance: variance)
        var cdf: [Double] = []
        var total = 0.0
        for mass in pmf {
            total += mass
            cdf.append(total)
        }
        var rng = SeededRandom(seed: seed)
        var hits = 0
        var draws = [Int](repeating: 0, count: counts.count)
        for _ in 0..<replicates {
            for k in draws.indices {
                let u = rng.unit() * total
                var low = 0
                var high = cdf.count - 1
                while low < high {
                    let mid = (low + high) / 2
                    if cdf[mid] > u { high = mid } else { low = mid + 1 }
                }
                draws[k] = low
            }
            if dispersionStatistic(draws, mean: mean, variance: variance) >= observed - 1e-9 { hits += 1 }
        }
        return Double(1 + hits) / Double(1 + replicates)
    }

    /// The `p`-quantile of a gamma distribution with the given mean and standard deviation (found
    /// by bisection on the regularized upper incomplete gamma function). Used to describe the
    /// spread of per-key rates once binomial noise is removed.
    public static func gammaQuantile(mean: Double, standardDeviation sd: Double, probability p: Double) -> Double {
        guard mean > 0, sd > 0 else { return mean }
        let shape = mean * mean / (sd * sd)
        let scale = sd * sd / mean
        var low = 0.0
        var high = mean + 50 * sd
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if GammaTail.upper(shape: shape, x: mid / scale).probability > 1 - p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }
}
