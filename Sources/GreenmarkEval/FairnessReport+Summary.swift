import Foundation
import GreenmarkCore

extension FairnessReport.SubsetResult {
    /// Summarizes `scores[k][i]` (passage i under key k) for one scheme. Key 0 is the evaluation key.
    init(
        scheme: WatermarkScheme, keys: [WatermarkKey], scores: [[FairnessEvaluation.PassageScore]], lastSource: String, alphas: [Double],
        replicates: Int
    ) {
        let n = scores.first?.count ?? 0
        let rule = DetectorConfiguration.default
        // The binomial schemes' test is discrete: a passage's chance of p <= alpha is its attained size.
        let discrete = scheme.prf.hasGreenList
        var alphaResults: [FairnessReport.AlphaResult] = []
        var counts = [[Int]](repeating: [], count: keys.count)
        for (a, alpha) in alphas.enumerated() {
            var sizeCache: [Int: Double] = [:]
            func size(_ t: Int) -> Double {
                guard t >= rule.minimumScoredTokens else { return 0 }
                guard discrete else { return alpha }
                if let s = sizeCache[t] { return s }
                let s = FairnessStatistics.attainedSize(alpha: alpha, scored: t, gamma: scheme.gamma)
                sizeCache[t] = s
                return s
            }
            // A fair key's per-passage rates: the attained sizes, averaged over keys (the scored
            // count can depend on the key, as for SelfHash anchors).
            var q = [Double](repeating: 0, count: n)
            for row in scores {
                for (i, s) in row.enumerated() { q[i] += size(s.tokensScored) / Double(scores.count) }
            }
            let keyCounts = scores.map { row in row.filter { $0.tokensScored >= rule.minimumScoredTokens && $0.pValue <= alpha }.count }
            for k in keyCounts.indices { counts[k].append(keyCounts[k]) }
            alphaResults.append(
                Self.summarize(alpha: alpha, passages: n, counts: keyCounts, fairRates: q, replicates: replicates, seed: 0x5EED + UInt64(a)))
        }
        let meanZs = scores.map { row in row.reduce(0) { $0 + $1.zScore } / Double(max(1, row.count)) }
        let withinSDs = scores.map { row in FairnessStatistics.meanAndVariance(row.map(\.zScore)).variance.squareRoot() }
        let overKeys = FairnessStatistics.meanAndVariance(meanZs)
        let within = withinSDs.reduce(0, +) / Double(max(1, withinSDs.count))
        let se = within / Double(max(1, n)).squareRoot()
        meanZ = FairnessReport.MeanZ(
            meanOverKeys: overKeys.mean, sdOverKeys: overKeys.variance.squareRoot(), withinKeySD: within, independenceSE: se,
            designEffect: se > 0 ? overKeys.variance / (se * se) : 0, evaluationKeyMeanZ: meanZs.first ?? 0)
        perKey = keys.indices.map { k in
            FairnessReport.KeyRow(keyID: keys[k].id, counts: counts[k], meanZ: meanZs[k], watermarked: scores[k].filter(\.watermarked).count)
        }
        passages = n
        self.lastSource = lastSource
        self.alphas = alphaResults
        watermarkedVerdicts = perKey.reduce(0) { $0 + $1.watermarked }
        watermarkedBound = Double(keys.count * n) * rule.maximumPValue
    }

    /// The statistics at one α from the per-key counts and a fair key's per-passage rates.
    static func summarize(alpha: Double, passages n: Int, counts: [Int], fairRates q: [Double], replicates: Int, seed: UInt64)
        -> FairnessReport.AlphaResult
    {
        let nominal = alpha * Double(n)
        let ratios = counts.map { Double($0) / nominal }
        let pmf = FairnessStatistics.poissonBinomialPMF(q)
        let fair = FairnessStatistics.moments(pmf: pmf)
        let observed = FairnessStatistics.meanAndVariance(counts.map(Double.init))
        let chi = FairnessStatistics.dispersionStatistic(counts, mean: fair.mean, variance: fair.variance)
        let excess = max(0, observed.variance - fair.variance).squareRoot() / nominal
        let meanRatio = observed.mean / nominal
        let fairAbove = pmf.enumerated().filter { Double($0.offset) > 2 * nominal }.reduce(0.0) { $0 + $1.element }
        func fairRatio(_ p: Double) -> Double { Double(FairnessStatistics.quantile(pmf: pmf, probability: p)) / nominal }
        return FairnessReport.AlphaResult(
            alpha: alpha, nominalCount: nominal, fairMeanCount: fair.mean, observedMeanCount: observed.mean,
            ratio: FairnessReport.Ratios(
                min: ratios.min() ?? 0, median: FairnessStatistics.percentile(ratios, 0.5), mean: meanRatio,
                p95: FairnessStatistics.percentile(ratios, 0.95), p99: FairnessStatistics.percentile(ratios, 0.99), max: ratios.max() ?? 0),
            fairRatio: FairnessReport.FairRatios(median: fairRatio(0.5), p95: fairRatio(0.95), p99: fairRatio(0.99)),
            keysAbove2x: ratios.filter { $0 > 2 }.count, fairKeysAbove2x: fairAbove * Double(counts.count),
            observedVariance: observed.variance, fairVariance: fair.variance,
            dispersion: fair.variance > 0 ? observed.variance / fair.variance : 0,
            chiSquare: chi, degreesOfFreedom: counts.count,
            chiSquarePValue: FairnessStatistics.chiSquareUpper(chi, degreesOfFreedom: counts.count),
            monteCarloPValue: FairnessStatistics.dispersionMonteCarloPValue(counts: counts, pmf: pmf, replicates: replicates, seed: seed),
            excessSDRatio: excess,
            denoisedP99Ratio: excess > 0
                ? FairnessStatistics.gammaQuantile(mean: meanRatio, standardDeviation: excess, probability: 0.99) : meanRatio,
            evaluationKeyRatio: ratios.first ?? 0)
    }
}
