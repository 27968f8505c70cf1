import Foundation
import GreenmarkCore
import GreenmarkEval
import Testing

@Suite("Statistics of the per-key fairness evaluation")
struct FairnessStatisticsTests {
    @Test("the attained size is the binomial tail at the first count that reaches alpha")
    func attainedSize() {
        for (alpha, n) in [(1e-2, 50), (1e-3, 300), (1e-2, 391), (0.5, 10)] {
            let q = FairnessStatistics.attainedSize(alpha: alpha, scored: n, gamma: 0.25)
            #expect(q <= alpha && q > 0)
            // One success fewer would exceed alpha.
            var k = 0
            while BinomialTail.upper(successes: k, trials: n, probability: 0.25).probability > alpha { k += 1 }
            #expect(q == BinomialTail.upper(successes: k, trials: n, probability: 0.25).probability)
            #expect(BinomialTail.upper(successes: k - 1, trials: n, probability: 0.25).probability > alpha)
        }
        // Bin(2, 0.25) >= 2 has 1/16 > 0.01: nothing reaches alpha.
        #expect(FairnessStatistics.attainedSize(alpha: 0.01, scored: 2, gamma: 0.25) == 0)
    }

    @Test("equal rates give the binomial distribution; moments and quantiles follow")
    func poissonBinomial() {
        let pmf = FairnessStatistics.poissonBinomialPMF(Array(repeating: 0.1, count: 30))
        for c in 0..<10 {
            let exact = exp(BinomialTail.logPMF(c, trials: 30, probability: 0.1))
            #expect(abs(pmf[c] - exact) < 1e-12)
        }
        let m = FairnessStatistics.moments(pmf: pmf)
        #expect(abs(m.mean - 3) < 1e-9 && abs(m.variance - 2.7) < 1e-9)
        #expect(FairnessStatistics.quantile(pmf: pmf, probability: 0.5) == 3)
        #expect(FairnessStatistics.quantile(pmf: [0.5, 0.5], probability: 0.99) == 1)
    }

    @Test("percentiles interpolate between order statistics (type 7)")
    func percentiles() {
        let v: [Double] = [4, 1, 3, 2, 5]
        #expect(FairnessStatistics.percentile(v, 0.5) == 3)
        #expect(FairnessStatistics.percentile(v, 0.95) == 4.8)
        #expect(FairnessStatistics.percentile(v, 1) == 5)
        #expect(FairnessStatistics.percentile([7], 0.99) == 7)
    }

    @Test("the chi-square tail with 2 degrees of freedom is exp(-x/2)")
    func chiSquare() {
        for x in [0.5, 2.0, 10.0] {
            #expect(abs(FairnessStatistics.chiSquareUpper(x, degreesOfFreedom: 2) - exp(-x / 2)) < 1e-12)
        }
    }

    @Test("the Monte Carlo dispersion test rejects overdispersed counts and accepts fair ones")
    func dispersion() {
        let pmf = FairnessStatistics.poissonBinomialPMF(Array(repeating: 0.01, count: 2000))
        // Fair keys: counts near the mean of 20.
        let fair = [20, 17, 23, 19, 25, 14, 21, 18, 22, 20, 16, 24, 19, 21, 20, 23, 17, 22, 18, 26]
        let skewed = [2, 3, 60, 1, 45, 4, 2, 70, 3, 5, 1, 38, 2, 6, 3, 55, 2, 1, 4, 40]
        let pFair = FairnessStatistics.dispersionMonteCarloPValue(counts: fair, pmf: pmf, replicates: 2000, seed: 1)
        let pSkewed = FairnessStatistics.dispersionMonteCarloPValue(counts: skewed, pmf: pmf, replicates: 2000, seed: 1)
        #expect(pFair > 0.2)
        #expect(pSkewed < 0.001)
        // Deterministic for a seed.
        #expect(pFair == FairnessStatistics.dispersionMonteCarloPValue(counts: fair, pmf: pmf, replicates: 2000, seed: 1))
    }

    @Test("the gamma quantile matches the exponential distribution at shape 1")
    func gammaQuantile() {
        // Mean = sd = 2: exponential with mean 2, 99th percentile 2 ln 100.
        let q = FairnessStatistics.gammaQuantile(mean: 2, standardDeviation: 2, probability: 0.99)
        #expect(abs(q - 2 * log(100)) < 1e-6)
    }
}
