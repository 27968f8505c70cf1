import Foundation
import GreenmarkCore

/// Human-readable rendering of a detection result.
enum DetectionReport {
    static func plainText(_ r: DetectionResult) -> String {
        var lines: [String] = []
        lines.append("Verdict: \(r.verdict.plainWords)")
        let gammaPct = percent(r.scheme.gamma)
        lines.append("  z-score       \(fixed(r.zScore, 2))  (threshold \(fixed(r.zThreshold, 2)))")
        lines.append("  green tokens  \(r.greenTokens) of \(r.tokensScored) scored (\(percent(r.greenFraction)); \(gammaPct) expected without the watermark)")
        lines.append("  p-value       \(scientific(r.pValue, log10: r.log10PValue))")
        lines.append("  key           \(r.keyID) (\(r.scheme))" + (r.keysTried > 1 ? "; best of \(r.keysTried) keys, p-value corrected for all of them" : ""))
        lines.append("")
        switch r.verdict {
        case .tooShort:
            lines.append("Only \(r.tokensScored) tokens could be scored; at least \(r.minimumScoredTokens) are needed to decide (\(r.moreTokensNeeded ?? 0) more). Short texts cannot be judged either way.")
        case .watermarked, .noWatermark:
            lines.append("Text written without this watermark key scores this high \(Odds.inWords(log10Probability: r.log10PValue)).")
            if r.verdict == .noWatermark {
                lines.append("A text can lack the watermark because a person wrote it, because another model wrote it, or because it was heavily edited.")
            }
        }
        if r.normalized {
            lines.append("Note: the text was normalized (line endings, byte-order mark) before scoring.")
        }
        return lines.joined(separator: "\n")
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

    static func scientific(_ p: Double, log10 l: Double) -> String {
        if p >= 0.001 { return String(format: "%.3f", p) }
        if p > 0 { return String(format: "%.2e", p) }
        return "< 1e-300 (log10 p = \(String(format: "%.1f", l)))"
    }
}
