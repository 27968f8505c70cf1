import Foundation
import GreenmarkCore
import Testing

@Suite("GammaTail: the exact upper incomplete gamma")
struct GammaTailTests {
    static let cases = GumbelVectorFile.shared.gammaTail

    @Test("every case of docs/test-vectors/gumbel-v1.json (mpmath, 60 digits)", arguments: 0..<cases.count)
    func vector(index: Int) {
        let c = Self.cases[index]
        let value = GammaTail.pValue(score: c.S, count: c.T)
        let expected = Double(c.log10P)!
        #expect(value.log10Probability.isFinite)
        // Relative 1e-12 on log10 p, or absolute 1e-13 where log10 p is near 0.
        #expect(abs(value.log10Probability - expected) <= max(1e-12 * abs(expected), 1e-13), "T=\(c.T) S=\(c.S)")
        if c.p == 0 {
            #expect(value.probability == 0)
        } else {
            #expect(abs(value.probability - c.p) <= 1e-12 * c.p, "T=\(c.T) S=\(c.S)")
        }
    }

    @Test("the file reaches the far tail: p ≤ 1e-300 and underflowed p with finite log10")
    func farTailCoverage() {
        #expect(Self.cases.contains { Double($0.log10P)! < -300 && $0.p > 0 })
        #expect(Self.cases.filter { $0.p == 0 }.count >= 3)
        #expect(Self.cases.contains { Double($0.log10P)! < -700 })
    }

    @Test("T = 1 is the exponential tail e^-S, exactly in log space")
    func exponential() {
        for s in [0.001, 0.5, 1, 2, 10, 100, 700, 1000, 5000] {
            let v = GammaTail.pValue(score: s, count: 1)
            #expect(abs(v.log10Probability - (-s / M_LN10)) <= 1e-13 * max(1, s))
        }
    }

    @Test("integer T: agrees with e^-S Σ_{k<T} S^k / k! where that sum is safe in binary64")
    func poissonSum() {
        for t in [2, 3, 7, 20, 60] {
            for s in [0.3, 2.5, Double(t), Double(t) + 1, 2.0 * Double(t) + 5, 80] {
                var term = 1.0
                var sum = 1.0
                for k in 1..<t {
                    term *= s / Double(k)
                    sum += term
                }
                let direct = exp(-s) * sum
                let v = GammaTail.pValue(score: s, count: t)
                #expect(abs(v.probability - direct) <= 1e-12 * direct, "T=\(t) S=\(s)")
            }
        }
    }

    @Test("continuous across the series / continued-fraction switch at x = a + 1, and monotone in S")
    func switchAndMonotone() {
        for t in [1, 10, 200, 10_000] {
            let a = Double(t) + 1
            let below = GammaTail.pValue(score: a.nextDown, count: t).log10Probability
            let above = GammaTail.pValue(score: a, count: t).log10Probability
            #expect(abs(below - above) <= 1e-12 * max(1, abs(above)))
            var previous = 0.0
            for step in 0...60 {
                let s = Double(t) * 0.05 * Double(step) + 0.01
                let l = GammaTail.pValue(score: s, count: t).log10Probability
                #expect(l <= previous + 1e-15)
                previous = l
            }
        }
    }

    @Test("edge inputs: S = 0 gives p = 1, a huge S gives log10 p finite and p = 0")
    func edges() {
        #expect(GammaTail.pValue(score: 0, count: 5).probability == 1)
        #expect(GammaTail.pValue(score: -1, count: 5).probability == 1)
        let far = GammaTail.pValue(score: 1e6, count: 300)
        #expect(far.probability == 0 && far.log10Probability.isFinite && far.log10Probability < -400_000)
    }
}
