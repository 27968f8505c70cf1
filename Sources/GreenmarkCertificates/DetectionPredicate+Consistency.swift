import Foundation
import GreenmarkCore

extension DetectionPredicate {
    /// Why the attestation's numbers do not follow from each other and the decision rule, or nil
    /// when they do (`docs/certificate-format.md`, "Arithmetic consistency"): a verifier reports
    /// `statement.inconsistent` (`VerificationCode.statementInconsistent`), because a signed but
    /// self-contradicting verdict must not pass. Every comparison is in binary64, as the spec says:
    /// stated decimals parsed to the nearest double, tolerances as double constants.
    public func inconsistency(scheme: SignedScheme?) -> String? {
        switch statistic {
        case .gumbel(let score):
            guard let scheme, scheme.isGumbel else { return "a gumbel-v1 score without the gumbel-v1 scheme" }
            return gumbelInconsistency(scheme: scheme, score: score)
        case .green(let g, let zScore, let zThreshold):
            return greenInconsistency(scheme: scheme, g: g, zScore: zScore, zThreshold: zThreshold)
        }
    }

    /// Rules 1 to 7 for green-list counts.
    func greenInconsistency(scheme: SignedScheme?, g: Int, zScore: String, zThreshold: String) -> String? {
        let t = tokensScored
        guard t >= 0, g >= 0, g <= t, keysTried >= 1, minTokens >= 1 else {
            return "counts out of range: green_tokens \(g), tokens_scored \(t), keys_tried \(keysTried), min_tokens \(minTokens)"
        }
        guard ["watermarked", "no_watermark", "too_short"].contains(verdict) else { return "unknown verdict \(verdict)" }
        guard (verdict == "too_short") == (t < minTokens) else {
            return "verdict \(verdict) with \(t) tokens scored and a minimum of \(minTokens)"
        }
        guard let z = Self.fixed4(zScore), let zThresholdValue = Self.fixed4(zThreshold), let log10P = Self.fixed4(log10PValue),
            let p = Self.scientific(pValue), p <= 1, log10P <= 0
        else { return "z_score, z_threshold, log10_p_value or p_value is not in its fixed decimal form" }
        let threshold: Double?
        if let pThreshold {
            guard let value = Self.scientific(pThreshold), value <= 1 else { return "p_threshold is not in its fixed decimal form" }
            threshold = value
        } else {
            threshold = nil
        }
        let agree = p >= 1e-300 ? abs(log10(p) - log10P) <= 0.0003 : (p > 0 ? log10P < -299 : log10P <= -307)
        if !agree {
            return "p_value \(pValue) and log10_p_value \(log10PValue) disagree"
        }
        if let threshold, verdict == "watermarked", p > threshold {
            return "watermarked with p_value \(pValue) above p_threshold \(pThreshold ?? "")"
        }
        guard let scheme else { return nil }
        guard let gamma = Self.decimal(scheme.gamma), gamma > 0, gamma < 1 else { return "scheme gamma \(scheme.gamma) is not a decimal in (0, 1)" }
        guard UInt64((gamma * 4_294_967_296.0).rounded(.down)) == UInt64(scheme.gammaThreshold) else {
            return "scheme gamma_threshold \(scheme.gammaThreshold) is not floor(gamma * 2^32) for gamma \(scheme.gamma)"
        }
        let zExpected = ZScore.of(green: g, scored: t, gamma: gamma)
        if t > 0, abs(z - zExpected) > 0.00006 {
            return "z_score \(zScore) does not follow from \(g) green of \(t) at gamma \(scheme.gamma) (\(String(format: "%.4f", zExpected)))"
        }
        guard searchSpans == false else { return nil }
        // Without span search the p-value is the whole text's exact tail, corrected for the keys tried.
        let tail = BinomialTail.upper(successes: g, trials: t, probability: gamma)
        let expected = min(0, tail.log10Probability + log10(Double(keysTried)))
        if abs(log10P - expected) > 0.001 {
            return
                "log10_p_value \(log10PValue) does not follow from \(g) green of \(t) at gamma \(scheme.gamma) over \(keysTried) keys (\(String(format: "%.4f", expected)))"
        }
        if let threshold, t >= minTokens, (verdict == "watermarked") != (zExpected >= zThresholdValue && p <= threshold) {
            return
                "verdict \(verdict) does not follow from z \(String(format: "%.4f", zExpected)) against \(zThreshold) and p_value \(pValue) against \(pThreshold ?? "")"
        }
        return nil
    }

    /// `-?[0-9]+\.[0-9]{4}` as a number.
    static func fixed4(_ s: String) -> Double? {
        let b = Array(s.utf8)
        let digits = b.first == UInt8(ascii: "-") ? b.dropFirst() : b[...]
        guard digits.count >= 6, digits[digits.endIndex - 5] == UInt8(ascii: "."),
            digits.enumerated().allSatisfy({ $0.offset == digits.count - 5 || (0x30...0x39).contains($0.element) })
        else { return nil }
        return Double(s)
    }

    /// `[0-9]\.[0-9]{3}e[+-][0-9]{2,3}` as a number.
    static func scientific(_ s: String) -> Double? {
        let b = Array(s.utf8)
        guard b.count == 9 || b.count == 10, isDigit(b[0]), b[1] == UInt8(ascii: "."), b[2...4].allSatisfy(isDigit),
            b[5] == UInt8(ascii: "e"), b[6] == UInt8(ascii: "+") || b[6] == UInt8(ascii: "-"), b[7...].allSatisfy(isDigit)
        else { return nil }
        return Double(s)
    }

    /// `0\.[0-9]+` (gamma as written) as a number.
    static func decimal(_ s: String) -> Double? {
        let b = Array(s.utf8)
        guard b.count >= 3, b[0] == UInt8(ascii: "0"), b[1] == UInt8(ascii: "."), b[2...].allSatisfy(isDigit) else { return nil }
        return Double(s)
    }

    private static func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }
}
