import GreenmarkCore
import Testing

@testable import GreenmarkEval

/// The pieces both evaluations share: the order and seeds of the generations, and the tally of detections.
@Suite("Evaluation schedule and detection tally")
struct EvaluationScheduleTests {
    @Test("round by round, the first prompts in order, prompt i of round r seeded with seed-base + i + 1000 r")
    func schedule() {
        let slots = EvaluationPrompts.schedule(prompts: 3, rounds: 2, seedBase: 1000)
        #expect(slots.map(\.index) == [0, 1, 2, 0, 1, 2])
        #expect(slots.map(\.round) == [0, 0, 0, 1, 1, 1])
        #expect(slots.map(\.seed) == [1000, 1001, 1002, 2000, 2001, 2002])
        #expect(slots.map(\.prompt) == Array(EvaluationPrompts.all.prefix(3)) + Array(EvaluationPrompts.all.prefix(3)))
    }

    @Test("an empty tally reports 0; the mean is summed in order")
    func tally() {
        let empty = DetectionTally()
        #expect(empty.count == 0 && empty.detectedRate == 0 && empty.meanZ == 0 && empty.maxZ == 0)
        #expect(DetectionTally.mean([0.1, 0.2, 0.3]) == (0.1 + 0.2 + 0.3) / 3)
    }

    @Test("a tally counts results, the share with the watermarked verdict, and their mean and largest z")
    func tallyOfResults() {
        func result(z: Double, _ verdict: Verdict) -> DetectionResult {
            DetectionResult(
                zScore: z, pValue: 0.5, log10PValue: -0.3, tokensScored: 100, greenTokens: 30, tokensTotal: 101,
                verdict: verdict, moreTokensNeeded: nil, keyID: "k", scheme: .leftHash, zThreshold: 4,
                pThreshold: 3.17e-5, minimumScoredTokens: 50, normalized: false, tokenizer: "test", mask: nil)
        }
        var tally = DetectionTally()
        for r in [result(z: 5, .watermarked), result(z: 1, .noWatermark), result(z: -0.5, .noWatermark), result(z: 6, .watermarked)] {
            tally.add(r)
        }
        #expect(tally.count == 4 && tally.watermarked == 2 && tally.detectedRate == 0.5)
        #expect(tally.zScores == [5, 1, -0.5, 6] && tally.meanZ == 11.5 / 4 && tally.maxZ == 6)
    }
}
