import GreenmarkCore
import GreenmarkEval
import GreenmarkModel
import Testing

@Suite("Generation evaluation (small run on the real model)")
struct GenerationEvaluationTests {
    @Test("a 3-prompt run separates watermarked from plain output and records quality")
    func smallRun() throws {
        let model = try LlamaModel(path: ModelLocator.resolve())
        var config = GenerationEvaluation.Configuration()
        config.prompts = 3
        config.maxTokens = 120
        var calls = 0
        let report = try GenerationEvaluation(model: model, configuration: config).run { _, _ in calls += 1 }
        #expect(calls == 6)
        #expect(report.samples.count == 6)
        #expect(report.watermarked.samples == 3 && report.unwatermarked.samples == 3)
        // Loose but meaningful: the watermark lifts z well above chance; plain output stays below 4.
        #expect(report.watermarked.meanZ > 4)
        #expect(report.unwatermarked.maxZ < 4)
        #expect(report.watermarked.meanGreenFraction > report.unwatermarked.meanGreenFraction + 0.15)
        #expect(report.watermarked.meanPerplexity > 1 && report.unwatermarked.meanPerplexity > 1)
        #expect(report.samples.allSatisfy { $0.perplexity != nil && $0.tokensGenerated > 0 })
        #expect(report.keyID == (try GenerationEvaluation.evaluationKey(vocabulary: nil)).id)
        let prefix50 = try #require(report.watermarked.byPrefixLength.first { $0.tokens == 50 })
        #expect(prefix50.samples > 0)
    }
}
