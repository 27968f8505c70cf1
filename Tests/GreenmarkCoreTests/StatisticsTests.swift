import Foundation
import GreenmarkCore
import Testing

@Suite("Statistics")
struct StatisticsTests {
    struct TailCase: Decodable, CustomTestStringConvertible {
        let successes: Int
        let trials: Int
        let p: Double
        let tail: Double
        let log10_tail: Double?
        var testDescription: String { "P[Bin(\(trials), \(p)) >= \(successes)]" }
    }

    static let tailCases: [TailCase] = {
        let url = Bundle.module.url(forResource: "binomial-tail", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode([TailCase].self, from: Data(contentsOf: url))
    }()

    @Test("exact binomial tail matches 60-digit mpmath values", arguments: tailCases)
    func binomialTail(c: TailCase) {
        let v = BinomialTail.upper(successes: c.successes, trials: c.trials, probability: c.p)
        if c.tail > 1e-290 {
            #expect(abs(v.probability - c.tail) <= 1e-11 * c.tail + 1e-300, "got \(v.probability)")
        } else {
            #expect(v.probability < 1e-280)
        }
        if let l = c.log10_tail {
            #expect(abs(v.log10Probability - l) <= 1e-11 * max(1, abs(l)), "got log10 \(v.log10Probability)")
        } else {
            #expect(v.log10Probability == -.infinity)
        }
    }

    @Test("the tail is monotone in k and sums to one with the lower tail")
    func tailShape() {
        var last = 1.0
        for k in 0...60 {
            let v = BinomialTail.upper(successes: k, trials: 60, probability: 0.25).probability
            #expect(v <= last + 1e-15)
            last = v
            let pmf = exp(BinomialTail.logPMF(k, trials: 60, probability: 0.25))
            let next = BinomialTail.upper(successes: k + 1, trials: 60, probability: 0.25).probability
            #expect(abs(v - next - pmf) < 1e-12)
        }
    }

    @Test("z-score formula and the green count needed for a threshold")
    func zScore() {
        #expect(ZScore.of(green: 0, scored: 0, gamma: 0.25) == 0)
        #expect(abs(ZScore.of(green: 50, scored: 100, gamma: 0.25) - 25 / (100 * 0.1875).squareRoot()) < 1e-12)
        for t in [10, 50, 200, 1000] {
            let g = ZScore.greenNeeded(scored: t, gamma: 0.25, threshold: 4)
            #expect(ZScore.of(green: g, scored: t, gamma: 0.25) >= 4)
            #expect(ZScore.of(green: g - 1, scored: t, gamma: 0.25) < 4)
        }
    }

    @Test("odds in words")
    func odds() {
        #expect(Odds.inWords(log10Probability: log10(0.7)) == "about half the time or more often")
        #expect(Odds.inWords(log10Probability: log10(0.25)) == "about 1 time in 4")
        #expect(Odds.inWords(log10Probability: log10(1 / 3_000_000.0)) == "about 1 time in 3 million")
        #expect(Odds.inWords(log10Probability: log10(1 / 250_000.0)) == "about 1 time in 250 thousand")
        #expect(Odds.inWords(log10Probability: -40.2) == "less than 1 time in 10^40")
    }
}
