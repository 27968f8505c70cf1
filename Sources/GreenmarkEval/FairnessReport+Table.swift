import Foundation
import GreenmarkCore

extension FairnessReport {
    /// The per-key skew as a Markdown table (one row per scheme, passage set and α) followed by
    /// the corpus-mean z under one key; the numbers `docs/results/fairness.md` quotes.
    public func markdownTable() -> String {
        func f(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
        func p(_ x: Double) -> String { x < 1e-3 ? String(format: "%.1e", x) : String(format: "%.3f", x) }
        var lines = [
            "| scheme | passages | α | n·α | fair mean | median | p95 | p99 | max | fair p99 | keys > 2× (fair) | dispersion | χ² p | MC p | denoised p99 | key 0 |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for s in schemes {
            for sub in s.subsets {
                for a in sub.alphas {
                    let cells = [
                        s.scheme.description, "\(sub.passages)", String(format: "%g", a.alpha), f(a.nominalCount, 1),
                        f(a.fairMeanCount / a.nominalCount), f(a.ratio.median), f(a.ratio.p95), f(a.ratio.p99), f(a.ratio.max),
                        f(a.fairRatio.p99), "\(a.keysAbove2x) (\(f(a.fairKeysAbove2x, 1)))", f(a.dispersion), p(a.chiSquarePValue),
                        p(a.monteCarloPValue), f(a.denoisedP99Ratio), f(a.evaluationKeyRatio),
                    ]
                    lines.append("| " + cells.joined(separator: " | ") + " |")
                }
            }
        }
        lines += [
            "",
            "| scheme | passages | mean z over keys | sd over keys | independence SE | design effect | key 0 mean z | watermarked verdicts (bound) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for s in schemes {
            for sub in s.subsets {
                let m = sub.meanZ
                let cells = [
                    s.scheme.description, "\(sub.passages)", f(m.meanOverKeys, 3), f(m.sdOverKeys, 4), f(m.independenceSE, 4),
                    f(m.designEffect, 1), f(m.evaluationKeyMeanZ, 3), "\(sub.watermarkedVerdicts) (\(f(sub.watermarkedBound, 1)))",
                ]
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n")
    }
}
