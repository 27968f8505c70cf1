/// Receiver operating characteristic of a score separating positives from negatives.
public struct ROC: Codable, Sendable {
    /// One operating point: threshold and the rates it gives.
    public struct Point: Codable, Sendable {
        public let threshold: Double
        public let falsePositiveRate: Double
        public let truePositiveRate: Double

        enum CodingKeys: String, CodingKey {
            case threshold
            case falsePositiveRate = "fpr"
            case truePositiveRate = "tpr"
        }
    }

    public let points: [Point]
    /// Area under the curve: P[positive score > negative score] (+ half the ties), the
    /// Mann-Whitney statistic.
    public let auc: Double

    public init(positives: [Double], negatives: [Double]) {
        let thresholds = Array(Set(positives + negatives)).sorted(by: >)
        var points = [Point(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
        let p = positives.sorted(by: >)
        let n = negatives.sorted(by: >)
        var ip = 0
        var iN = 0
        for t in thresholds {
            while ip < p.count, p[ip] >= t { ip += 1 }
            while iN < n.count, n[iN] >= t { iN += 1 }
            points.append(
                Point(
                    threshold: t, falsePositiveRate: n.isEmpty ? 0 : Double(iN) / Double(n.count),
                    truePositiveRate: p.isEmpty ? 0 : Double(ip) / Double(p.count)))
        }
        self.points = points.map { $0.threshold.isFinite ? $0 : Point(threshold: 1e9, falsePositiveRate: 0, truePositiveRate: 0) }
        var wins = 0.0
        let sortedNeg = negatives.sorted()
        for s in positives {
            // Count negatives below s, and ties, by binary search.
            var lo = 0
            var hi = sortedNeg.count
            while lo < hi {
                let m = (lo + hi) / 2
                if sortedNeg[m] < s { lo = m + 1 } else { hi = m }
            }
            let below = lo
            var tieEnd = below
            while tieEnd < sortedNeg.count, sortedNeg[tieEnd] == s { tieEnd += 1 }
            wins += Double(below) + 0.5 * Double(tieEnd - below)
        }
        auc = positives.isEmpty || negatives.isEmpty ? 0 : wins / Double(positives.count * negatives.count)
    }
}
