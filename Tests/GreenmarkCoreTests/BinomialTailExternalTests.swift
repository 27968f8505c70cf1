import Foundation
import GreenmarkCore
import GreenmarkTestSupport
import Testing

/// The exact binomial tail and the z-score against the implementation-independent KGW cases in
/// `../shared/external-vectors/kgw-detection` (vLLM's red-green test cases with exact rational
/// answers; read at run time, never copied). Verifiers recompute both for `statement.inconsistent`.
@Suite("Binomial tail and z against external KGW cases")
struct BinomialTailExternalTests {
    struct Cases: Decodable {
        struct Case: Decodable {
            let green: Int
            let scored: Int
            let gamma: Double
            let pValue: Double
            let zScore: Double?
            enum CodingKeys: String, CodingKey {
                case green, scored, gamma
                case pValue = "p_value_exact_binomial_upper_tail"
                case zScore = "z_score_kgw"
            }
        }
        let cases: [Case]
    }

    @Test(
        "every case: p to a relative 1e-9 (exactly 0 or 1 at the edges), z to 1e-12",
        .enabled(if: ExternalVectors.enabled("kgw-detection"), "needs ../shared/external-vectors/kgw-detection"))
    func cases() throws {
        let cases = try JSONDecoder().decode(Cases.self, from: ExternalVectors.data("kgw-detection", "binomial_tail_cases.json")).cases
        #expect(cases.count >= 5)
        for c in cases {
            let tail = BinomialTail.upper(successes: c.green, trials: c.scored, probability: c.gamma)
            if c.pValue == 0 || c.pValue == 1 {
                #expect(tail.probability == c.pValue, "\(c.green)/\(c.scored)")
            } else {
                #expect(abs(tail.probability - c.pValue) <= 1e-9 * c.pValue, "\(c.green)/\(c.scored): \(tail.probability) vs \(c.pValue)")
                #expect(abs(tail.log10Probability - log10(c.pValue)) <= 1e-9, "\(c.green)/\(c.scored)")
            }
            if let z = c.zScore {
                #expect(abs(ZScore.of(green: c.green, scored: c.scored, gamma: c.gamma) - z) <= 1e-12, "\(c.green)/\(c.scored)")
            }
        }
    }
}
