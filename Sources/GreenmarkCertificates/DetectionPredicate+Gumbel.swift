import Foundation
import GreenmarkCore

extension DetectionPredicate {
    /// Largest `tokens_scored` a gumbel-v1 attestation may state (2^32 − 1): keeps the exact tail's
    /// cost bounded in every verifier (`docs/certificate-format.md`, "gumbel-v1 attestations").
    public static let maximumGumbelTokens = 4_294_967_295
    /// Every scored position adds at most 54 ln 2 ≈ 37.43 to S (`GumbelPRF.score`); rule G2 bounds S by 38 T.
    static let maximumScorePerToken = 38.0

    /// Rules G1 to G5 for a gumbel-v1 attestation (`docs/certificate-format.md`, "gumbel-v1
    /// attestations"): the first that fails, or nil. In binary64, as the binomial rules.
    func gumbelInconsistency(scheme: SignedScheme, score: String) -> String? {
        let t = tokensScored
        // G1. Counts and the too_short rule.
        guard t >= 0, t <= Self.maximumGumbelTokens, keysTried >= 1, minTokens >= 1 else {
            return "counts out of range: tokens_scored \(t), keys_tried \(keysTried), min_tokens \(minTokens)"
        }
        guard ["watermarked", "no_watermark", "too_short"].contains(verdict) else { return "unknown verdict \(verdict)" }
        guard (verdict == "too_short") == (t < minTokens) else {
            return "verdict \(verdict) with \(t) tokens scored and a minimum of \(minTokens)"
        }
        // G2. Forms, the score's bound and the scheme's empty green list.
        guard let s = Self.fixed4(score), score.utf8.first != UInt8(ascii: "-") else {
            return "score is not in its fixed decimal form [0-9]+.[0-9]{4}"
        }
        guard s <= Self.maximumScorePerToken * Double(t) else { return "score \(score) is above 38 per scored token (\(t) scored)" }
        guard let log10P = Self.fixed4(log10PValue), let p = Self.scientific(pValue), p <= 1, log10P <= 0,
            let pThreshold, let threshold = Self.scientific(pThreshold), threshold <= 1
        else { return "log10_p_value, p_value or p_threshold is not in its fixed decimal form" }
        guard scheme.gamma == "0", scheme.gammaThreshold == 0 else {
            return "gumbel-v1 has no green list: scheme gamma must be \"0\" and gamma_threshold 0 (got \(scheme.gamma), \(scheme.gammaThreshold))"
        }
        guard (1...WatermarkScheme.maximumContextWidth).contains(scheme.h) else {
            return "scheme h \(scheme.h) is not a context width in 1...\(WatermarkScheme.maximumContextWidth)"
        }
        // G3. p and its logarithm agree.
        let agree = p >= 1e-300 ? abs(log10(p) - log10P) <= 0.0003 : (p > 0 ? log10P < -299 : log10P <= -307)
        if !agree {
            return "p_value \(pValue) and log10_p_value \(log10PValue) disagree"
        }
        // G4. Without span search, the exact Gamma tail Q(T, S), corrected for the keys tried.
        if searchSpans == false {
            let tail = t == 0 ? 0 : GammaTail.pValue(score: s, count: t).log10Probability
            let expected = min(0, tail + log10(Double(keysTried)))
            guard abs(log10P - expected) <= 0.001 else {
                return
                    "log10_p_value \(log10PValue) does not follow from score \(score) over \(t) tokens and \(keysTried) keys (log10 Q(T, S) + log10 k = \(String(format: "%.4f", expected)))"
            }
        }
        // G5. The decision rule: enough tokens and p within the threshold. Both are stated rounded
        // (%.3e), so equal stated values admit either verdict.
        if t >= minTokens, verdict == "watermarked" ? !(p <= threshold) : !(p >= threshold) {
            return "verdict \(verdict) does not follow from p_value \(pValue) against p_threshold \(pThreshold)"
        }
        return nil
    }
}
