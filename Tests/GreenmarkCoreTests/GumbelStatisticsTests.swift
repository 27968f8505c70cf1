import Foundation
import GreenmarkCore
import Testing

/// Statistical sanity of gumbel-v1 under one fixed key: the r values look uniform, Gumbel-max sampling
/// reproduces the model's distribution, and the score's p-value is uniform under H0. The key and
/// contexts are fixed, so the outcomes are deterministic; the bounds are at the 10^-3 level or wider.
@Suite("gumbel-v1 statistics: uniform r, distortion-free sampling, exact H0")
struct GumbelStatisticsTests {
    static let key = (0..<32).map { UInt8(($0 * 37 + 11) % 256) }

    /// Context number i: distinct for distinct i, and structured (not random) on purpose.
    static func context(_ i: Int) -> [UInt32] { [UInt32(i), 17, UInt32(i % 50), 3] }

    /// The Kolmogorov-Smirnov distance between the sample and Uniform(0, 1).
    static func ksUniform(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let n = Double(sorted.count)
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            d = max(d, Double(i + 1) / n - x, x - Double(i) / n)
        }
        return d
    }

    @Test("r of one token over 2,000 contexts is uniform (KS, and the mean score is 1)")
    func uniformR() throws {
        let prf = try GumbelPRF(key: Self.key)
        let bits = (0..<2000).map { prf.uniformBits(context: Self.context($0), token: 42) }
        let r = bits.map(GumbelPRF.uniform)
        // The KS critical value at alpha = 0.001 is 1.949 / sqrt(n) = 0.0436 for n = 2000.
        #expect(Self.ksUniform(r) < 0.0436)
        #expect(r.allSatisfy { $0 > 0 && $0 < 1 })
        // -ln(1 - r) is Exp(1): mean 1, standard error 1 / sqrt(2000) = 0.0224.
        let mean = bits.map(GumbelPRF.score).reduce(0, +) / 2000
        #expect(abs(mean - 1) < 4 * 0.0224)
    }

    @Test("r values of 50 tokens in each of 40 contexts are uniform and all distinct")
    func uniformAcrossTokens() throws {
        let prf = try GumbelPRF(key: Self.key)
        var r: [Double] = []
        for i in 0..<40 {
            r += prf.uniformBits(context: Self.context(i), vocabularySize: 50).map(GumbelPRF.uniform)
        }
        #expect(Set(r).count == r.count)
        #expect(Self.ksUniform(r) < 1.949 / Double(r.count).squareRoot())
    }

    @Test("argmax_v r_v^(1/p_v) over 20,000 contexts reproduces p (distortion-free)")
    func distortionFree() throws {
        let prf = try GumbelPRF(key: Self.key)
        let p = [0.5, 0.25, 0.15, 0.07, 0.03, 0.0]
        let n = 20_000
        var counts = [Int](repeating: 0, count: p.count)
        for i in 0..<n {
            let bits = prf.uniformBits(context: [UInt32(i), 7, 7, UInt32(i / 3)], vocabularySize: p.count)
            var best = -1
            var bestKey = -Double.infinity
            for v in p.indices where p[v] > 0 {
                // ln(r^(1/p)) = ln(r) / p: the same argmax, and finite for every r.
                let k = GumbelPRF.logUniform(bits[v]) / p[v]
                if k > bestKey { (best, bestKey) = (v, k) }
            }
            counts[best] += 1
        }
        #expect(counts[5] == 0)
        var chiSquare = 0.0
        for v in 0..<5 {
            let expected = p[v] * Double(n)
            let sigma = (expected * (1 - p[v])).squareRoot()
            #expect(abs(Double(counts[v]) - expected) < 4.5 * sigma, "token \(v): \(counts[v]) of \(n), expected \(expected)")
            chiSquare += (Double(counts[v]) - expected) * (Double(counts[v]) - expected) / expected
        }
        // chi-square with 4 degrees of freedom: the 0.999 quantile is 18.47.
        #expect(chiSquare < 18.47)
    }

    @Test("under H0 the p-value of T = 30 scored positions is uniform over 600 unrelated texts")
    func nullPValues() throws {
        let prf = try GumbelPRF(key: Self.key)
        var pValues: [Double] = []
        for text in 0..<600 {
            var s = 0.0
            for position in 0..<30 {
                let token = UInt32((text * 31 + position * 7) % 1000)
                s += GumbelPRF.score(prf.uniformBits(context: [UInt32(text), UInt32(position), 5, 5], token: token))
            }
            pValues.append(GammaTail.pValue(score: s, count: 30).probability)
        }
        #expect(Self.ksUniform(pValues) < 1.949 / 600.0.squareRoot())
        #expect(pValues.filter { $0 <= 0.01 }.count <= 18)
    }
}
