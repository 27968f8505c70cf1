#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Exact one-sided binomial tail probabilities, computed in log space.
///
/// `P[Bin(n, p) >= k]` is summed term by term from the side where the terms fall off
/// geometrically, starting from the exact log-probability of the first term (`lgamma`), so the
/// result keeps full relative precision down to 1e-300 and its logarithm stays exact far below
/// that. Cost is O(sqrt(n)) terms; n up to 10^6 and beyond is fine.
public enum BinomialTail {
    /// The tail probability and its base-10 logarithm (which stays finite when the probability
    /// underflows a `Double`).
    public struct Value: Sendable, Equatable {
        public let probability: Double
        public let log10Probability: Double

        public init(probability: Double, log10Probability: Double) {
            self.probability = probability
            self.log10Probability = log10Probability
        }
    }

    /// `P[Bin(trials, p) >= successes]`.
    public static func upper(successes k: Int, trials n: Int, probability p: Double) -> Value {
        precondition(n >= 0 && p > 0 && p < 1, "invalid binomial parameters")
        if k <= 0 { return Value(probability: 1, log10Probability: 0) }
        if k > n { return Value(probability: 0, log10Probability: -.infinity) }
        let mode = Int((Double(n + 1) * p).rounded(.down))
        if k > mode {
            // Terms decrease from k upwards: sum the upper tail directly.
            let ln = logSum(from: k, step: 1, n: n, p: p)
            return Value(probability: exp(ln), log10Probability: ln / M_LN10)
        }
        // k <= mode: the tail is large (>= about 1/2); 1 - lower tail loses nothing that matters.
        let lnLower = logSum(from: k - 1, step: -1, n: n, p: p)
        let upper = -expm1(lnLower)
        return Value(probability: upper, log10Probability: log1p(-exp(lnLower)) / M_LN10)
    }

    /// Natural log of the binomial pmf at `k`, by Loader's saddle-point expansion (the algorithm
    /// of R's `dbinom`): relative accuracy near 1e-15 even for n = 10^6, where the direct
    /// `lgamma` difference would lose six digits to cancellation.
    public static func logPMF(_ k: Int, trials n: Int, probability p: Double) -> Double {
        let q = 1 - p
        let nd = Double(n)
        if k == 0 {
            return p < 0.1 ? -bd0(nd, nd * q) - nd * p : nd * log(q)
        }
        if k == n {
            return q < 0.1 ? -bd0(nd, nd * p) - nd * q : nd * log(p)
        }
        let x = Double(k)
        let lc = stirlingError(nd) - stirlingError(x) - stirlingError(nd - x) - bd0(x, nd * p) - bd0(nd - x, nd * q)
        let lf = log(2 * Double.pi) + log(x) + log1p(-x / nd)
        return lc - 0.5 * lf
    }

    /// `log(n!) - log(sqrt(2 pi n) (n/e)^n)` for integer n >= 1.
    static func stirlingError(_ n: Double) -> Double {
        if n <= 15 {
            // Small n: the terms are below 30, so the direct difference keeps ~1e-15 absolute.
            return lgamma(n + 1) - (n + 0.5) * log(n) + n - 0.5 * log(2 * Double.pi)
        }
        let s0 = 1.0 / 12
        let s1 = 1.0 / 360
        let s2 = 1.0 / 1260
        let s3 = 1.0 / 1680
        let s4 = 1.0 / 1188
        let nn = n * n
        if n > 500 { return (s0 - s1 / nn) / n }
        if n > 80 { return (s0 - (s1 - s2 / nn) / nn) / n }
        if n > 35 { return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n }
        return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n
    }

    /// The deviance term `x log(x / np) + np - x`, computed without cancellation when x is near np.
    static func bd0(_ x: Double, _ np: Double) -> Double {
        if abs(x - np) < 0.1 * (x + np) {
            var v = (x - np) / (x + np)
            var s = (x - np) * v
            var ej = 2 * x * v
            v *= v
            var j = 1.0
            while j < 1000 {
                ej *= v
                let s1 = s + ej / (2 * j + 1)
                if s1 == s { return s1 }
                s = s1
                j += 1
            }
            return s
        }
        return x * log(x / np) + np - x
    }

    /// log(sum of pmf(j)) for j = start, start+step, ... within 0...n, stopping once the terms no
    /// longer change the sum in double precision.
    private static func logSum(from start: Int, step: Int, n: Int, p: Double) -> Double {
        let first = logPMF(start, trials: n, probability: p)
        let odds = p / (1 - p)
        var sum = 1.0  // sum of term_j / term_start
        var ratio = 1.0
        var j = start
        while true {
            let next = j + step
            guard next >= 0, next <= n else { break }
            // term(j+1)/term(j) = (n-j)/(j+1) * p/(1-p); term(j-1)/term(j) = j/(n-j+1) * (1-p)/p
            if step > 0 {
                ratio *= Double(n - j) / Double(j + 1) * odds
            } else {
                ratio *= Double(j) / Double(n - j + 1) / odds
            }
            sum += ratio
            j = next
            if ratio < sum * 1e-17 { break }
        }
        return first + log(sum)
    }
}
