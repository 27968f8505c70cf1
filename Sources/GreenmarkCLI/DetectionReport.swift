import Foundation
import GreenmarkCore

/// Human-readable rendering of a detection result.
enum DetectionReport {
    static func plainText(_ r: DetectionResult) -> String {
        var lines: [String] = []
        lines.append("Verdict: \(r.verdict.plainWords)")
        if let score = r.score {
            lines += gumbelLines(r, score: score)
        } else {
            let gammaPct = percent(r.scheme.gamma)
            lines.append("  z-score       \(fixed(r.zScore, 2))  (threshold \(fixed(r.zThreshold, 2)))")
            lines.append(
                "  green tokens  \(r.greenTokens) of \(r.tokensScored) scored (\(percent(r.greenFraction)); \(gammaPct) expected without the watermark)"
            )
        }
        lines.append("  p-value       \(scientific(r.pValue, log10: r.log10PValue))")
        lines.append(
            "  key           \(r.keyID) (\(r.scheme))" + (r.keysTried > 1 ? "; best of \(r.keysTried) keys, p-value corrected for all of them" : ""))
        if let span = r.span, let score = span.score {
            lines.append(
                "  span          tokens \(span.tokenStart)..<\(span.tokenEnd): score \(fixed(score, 1)) over \(span.tokensScored) scored (\(span.tokensScored) expected); best of \(span.windowsSearched) windows, p-value corrected for all of them"
            )
        } else if let span = r.span {
            lines.append(
                "  span          tokens \(span.tokenStart)..<\(span.tokenEnd): \(span.greenTokens) of \(span.tokensScored) green, z \(fixed(span.zScore, 2)); best of \(span.windowsSearched) windows, p-value corrected for all of them"
            )
        } else if r.spanSearch {
            lines.append("  span search   no span scores higher than the whole text")
        }
        lines.append("")
        switch r.verdict {
        case .tooShort:
            lines.append(
                "Only \(r.tokensScored) tokens could be scored; at least \(r.minimumScoredTokens) are needed to decide (\(r.moreTokensNeeded ?? 0) more). Short texts cannot be judged either way."
            )
            if let more = r.moreTokensToConfirm, more > (r.moreTokensNeeded ?? 0) {
                lines.append(
                    "At this text's \(r.score == nil ? "green fraction" : "mean score per token"), about \(more) more tokens would be needed to show a watermark."
                )
            }
        case .watermarked, .noWatermark:
            lines.append("Text written without this watermark key scores this high \(Odds.inWords(log10Probability: r.log10PValue)).")
            if r.verdict == .noWatermark {
                lines.append(
                    "A text can lack the watermark because a person wrote it, because another model wrote it, or because it was heavily edited.")
                if let more = r.moreTokensToConfirm, r.zScore >= 2 {
                    lines.append(
                        "This score is no evidence of the watermark: text written without the key often scores this high. A watermarked text that was edited or cut short can score here too; only about \(more) more tokens at the same \(r.score == nil ? "green fraction" : "mean score per token") would show it, and text written without the key seldom keeps such a rate."
                    )
                }
            }
            if let span = r.span, r.verdict == .watermarked {
                lines.append("The watermark is in one span of the text:")
                lines.append("  \"" + excerpt(span.text) + "\"")
            }
        }
        if r.normalized {
            lines.append("Note: the text was normalized before scoring (" + changeList(r.normalization) + ").")
        }
        return lines.joined(separator: "\n")
    }

    /// gumbel-v1: the score S over T scored tokens, in words.
    static func gumbelLines(_ r: DetectionResult, score: Double) -> [String] {
        [
            "  score         \(fixed(score, 1)) over \(r.tokensScored) scored tokens (about \(r.tokensScored) ± \(fixed(Double(r.tokensScored).squareRoot(), 1)) expected without the watermark; \(fixed(r.zScore, 2)) standard deviations above)",
            "  statistic     gumbel-v1: each scored token adds -ln(1 - r), r its keyed uniform; p = Q(T, S), the exact Gamma(T, 1) tail",
        ]
    }

    static func changeList(_ c: TextNormalizer.Changes) -> String {
        var parts: [String] = []
        if c.byteOrderMark { parts.append("byte-order mark removed") }
        if c.lineEndings > 0 { parts.append("\(c.lineEndings) line endings") }
        if c.composed { parts.append("Unicode composition") }
        if c.invisibleRemoved > 0 { parts.append("\(c.invisibleRemoved) invisible characters removed") }
        if c.whitespaceUnified > 0 { parts.append("\(c.whitespaceUnified) unusual spaces") }
        if c.quotesUnified > 0 { parts.append("\(c.quotesUnified) typographic quotes") }
        if c.confusablesMapped > 0 { parts.append("\(c.confusablesMapped) look-alike characters mapped back") }
        return parts.joined(separator: ", ")
    }

    static func excerpt(_ text: String, limit: Int = 240) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return flat.count <= limit ? flat : String(flat.prefix(limit / 2)) + " … " + String(flat.suffix(limit / 2))
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

    static func scientific(_ p: Double, log10 l: Double) -> String {
        if p >= 0.001 { return String(format: "%.3f", p) }
        if p > 0 { return String(format: "%.2e", p) }
        return "< 1e-300 (log10 p = \(String(format: "%.1f", l)))"
    }
}
