/// The one-proportion z statistic of the red/green watermark test.
public enum ZScore {
    /// `z = (G - gamma T) / sqrt(T gamma (1 - gamma))`; 0 when nothing was scored.
    public static func of(green: Int, scored: Int, gamma: Double) -> Double {
        guard scored > 0 else { return 0 }
        let t = Double(scored)
        return (Double(green) - gamma * t) / (t * gamma * (1 - gamma)).squareRoot()
    }

    /// gumbel-v1's standardized score `z = (S - T) / sqrt(T)` (S ~ Gamma(T, 1) has mean and
    /// variance T under H0); 0 when nothing was scored. Informative only: the exact p-value decides.
    public static func ofScore(_ score: Double, scored: Int) -> Double {
        guard scored > 0 else { return 0 }
        let t = Double(scored)
        return (score - t) / t.squareRoot()
    }

    /// Smallest green count whose z reaches `threshold` over `scored` tokens.
    public static func greenNeeded(scored: Int, gamma: Double, threshold: Double) -> Int {
        let t = Double(scored)
        var g = Int((gamma * t + threshold * (t * gamma * (1 - gamma)).squareRoot()).rounded(.up))
        // Guard against rounding at the boundary.
        while g > 0, of(green: g - 1, scored: scored, gamma: gamma) >= threshold { g -= 1 }
        while of(green: g, scored: scored, gamma: gamma) < threshold { g += 1 }
        return g
    }
}
