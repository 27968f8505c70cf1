import GreenmarkCore
import Testing

@testable import GreenmarkCLI

/// The plain-text report's wording where a false accusation could start: a human text that
/// scores somewhat above chance.
@Suite("Detection report wording")
struct DetectionReportTests {
    /// A LeftHash result of `green` of 200 scored tokens at gamma 0.25, judged by the default rule.
    static func result(green: Int, scored: Int = 200) -> DetectionResult {
        let configuration = DetectorConfiguration.default
        let z = ZScore.of(green: green, scored: scored, gamma: 0.25)
        let tail = BinomialTail.upper(successes: green, trials: scored, probability: 0.25)
        let verdict: Verdict = z >= configuration.zThreshold && tail.probability <= configuration.maximumPValue ? .watermarked : .noWatermark
        return DetectionResult(
            zScore: z, pValue: tail.probability, log10PValue: tail.log10Probability, tokensScored: scored, greenTokens: green,
            tokensTotal: scored + 1, verdict: verdict, moreTokensNeeded: nil, keyID: "k", scheme: .leftHash,
            zThreshold: configuration.zThreshold, pThreshold: configuration.maximumPValue,
            minimumScoredTokens: configuration.minimumScoredTokens, normalized: false, tokenizer: "test", mask: nil,
            moreTokensToConfirm: LengthGuidance.tokensToConfirm(green: green, scored: scored, gamma: 0.25, configuration: configuration))
    }

    @Test("z between 2 and 4 (about 1 human text in 44 reaches 2): the report says first that this is no evidence")
    func suggestiveScoreIsNoEvidence() {
        let r = Self.result(green: 66)  // z ≈ 2.61
        #expect(r.verdict == .noWatermark && r.zScore >= 2 && r.moreTokensToConfirm != nil)
        let text = DetectionReport.plainText(r)
        #expect(text.contains("This score is no evidence of the watermark"))
        #expect(text.contains("only about \(r.moreTokensToConfirm!) more tokens at the same green fraction would show it"))
        #expect(!text.contains("would reach the watermarked verdict"))
    }

    @Test("below z 2 the report adds nothing about more tokens; a watermarked text never gets the caveat")
    func quietOtherwise() {
        let chance = DetectionReport.plainText(Self.result(green: 55))  // z ≈ 0.82
        #expect(!chance.contains("more tokens"))
        let marked = Self.result(green: 110)
        #expect(marked.verdict == .watermarked)
        #expect(!DetectionReport.plainText(marked).contains("no evidence"))
    }
}
