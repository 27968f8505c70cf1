#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), computed in log space.
///
/// Under H0 the gumbel-v1 score of T positions is Gamma(T, 1), so its p-value is Q(T, S)
/// (`docs/prf.md`). The prefactor `x^a e^-x / Γ(a + 1)` is the Poisson density at a, taken by
/// Loader's saddle-point form (`BinomialTail.stirlingError`, `BinomialTail.bd0`) so it keeps its
/// relative accuracy for large a and x; below x = a + 1 the series for P = 1 - Q is summed, above
/// it the continued fraction for Q (modified Lentz). Both stay in log space, so `log10Probability`
/// is finite and accurate where the probability underflows a `Double`.
public enum GammaTail {
    /// Q(a, x) for shape a > 0 and x ≥ 0.
    public static func upper(shape a: Double, x: Double) -> BinomialTail.Value {
        precondition(a > 0 && a.isFinite && x >= 0 && !x.isNaN, "invalid gamma tail parameters")
        if x == 0 { return BinomialTail.Value(probability: 1, log10Probability: 0) }
        if x == .infinity { return BinomialTail.Value(probability: 0, log10Probability: -.infinity) }
        if x < a + 1 {
            let lnLower = logLowerSeries(a, x)
            return BinomialTail.Value(probability: -expm1(lnLower), log10Probability: log1p(-exp(lnLower)) / M_LN10)
        }
        let ln = logUpperFraction(a, x)
        return BinomialTail.Value(probability: exp(ln), log10Probability: ln / M_LN10)
    }

    /// The p-value of a gumbel-v1 score: Q(T, S) for T scored positions.
    public static func pValue(score s: Double, count t: Int) -> BinomialTail.Value {
        precondition(t >= 1, "at least one scored position")
        return upper(shape: Double(t), x: max(0, s))
    }

    /// ln(x^a e^-x / Γ(a + 1)), the Poisson log-density at a for mean x.
    static func logPoissonDensity(_ a: Double, _ x: Double) -> Double {
        -BinomialTail.stirlingError(a) - BinomialTail.bd0(a, x) - 0.5 * log(2 * Double.pi * a)
    }

    /// ln P(a, x) by the series P = x^a e^-x / Γ(a + 1) · Σ_{n ≥ 0} x^n / ((a + 1) ... (a + n)); for x < a + 1.
    static func logLowerSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        var n = 1.0
        while n < 10_000_000 {
            term *= x / (a + n)
            sum += term
            if term < sum * 1e-17 { break }
            n += 1
        }
        return logPoissonDensity(a, x) + log(sum)
    }

    /// ln Q(a, x) by the continued fraction Q = x^a e^-x / Γ(a) · 1 / (x + 1 - a - 1·(1 - a) / (x + 3 - a - ...));
    /// for x ≥ a + 1.
    static func logUpperFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 10_000_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        // x^a e^-x / Γ(a) = a · x^a e^-x / Γ(a + 1).
        return logPoissonDensity(a, x) + log(a) + log(h)
    }
}
