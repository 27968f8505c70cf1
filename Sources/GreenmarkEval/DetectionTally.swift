import GreenmarkCore

/// Detection results over a set of texts, summed up: how many were scored, the share given the
/// watermarked verdict, and their z-scores. An empty tally reports 0 for every rate and mean.
struct DetectionTally {
    /// The z-scores, in the order the results were added.
    private(set) var zScores: [Double] = []
    /// Results with the watermarked verdict.
    private(set) var watermarked = 0

    /// Counts `result`.
    mutating func add(_ result: DetectionResult) {
        zScores.append(result.zScore)
        if result.verdict == .watermarked { watermarked += 1 }
    }

    /// Results added.
    var count: Int { zScores.count }
    /// Share of the results with the watermarked verdict.
    var detectedRate: Double { count == 0 ? 0 : Double(watermarked) / Double(count) }
    /// Mean z-score.
    var meanZ: Double { Self.mean(zScores) }
    /// Largest z-score.
    var maxZ: Double { zScores.max() ?? 0 }

    /// The mean of `xs`, 0 when empty (summed in order, so the same numbers give the same bits).
    static func mean(_ xs: [Double]) -> Double {
        xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count)
    }
}
