import Foundation
import GreenmarkCore
import GreenmarkEval
import GreenmarkModel
import Testing

@Suite("Robustness on the real model", .serialized)
struct RobustnessEvaluationTests {
    static let model: LlamaModel = try! LlamaModel(path: ModelLocator.resolve())

    /// One watermarked generation of the real model under `scheme`.
    func watermarkedText(scheme: WatermarkScheme, seed: UInt64) throws -> (String, WatermarkKey) {
        let key = try RobustnessEvaluation.evaluationKeys(count: 1, scheme: scheme, vocabulary: Self.model.tokenizer.vocabularyID)[0]
        let request = GenerationRequest(
            prompt: EvaluationPrompts.all[3], maxTokens: 160,
            sampling: SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: seed))
        return (try Generator(model: Self.model).generate(request, key: key).record.text, key)
    }

    @Test(
        "homoglyph and zero-width attacks on real watermarked text leave the score exactly unchanged",
        arguments: [WatermarkScheme.leftHash, .selfHash])
    func tricksUndone(scheme: WatermarkScheme) throws {
        let (text, key) = try watermarkedText(scheme: scheme, seed: 11)
        let detector = Detector(tokenizer: Self.model.tokenizer)
        let clean = try detector.detect(text, key: key, includeMask: false)
        var rng = SeededRandom(seed: 3)
        for attack in [Attack.homoglyph, .zeroWidth] {
            let attacked = attack.apply(to: text, strength: 1.0, human: "", using: &rng)
            #expect(attacked != text)
            let r = try detector.detect(attacked, key: key, includeMask: false)
            #expect(r.greenTokens == clean.greenTokens && r.tokensScored == clean.tokensScored, "\(attack)")
            #expect(r.normalized)
            // Transport-only normalization (version 1) loses the watermark to the same attack.
            let naive = try Detector(tokenizer: Self.model.tokenizer, normalizer: TextNormalizer(robust: false))
                .detect(attacked, key: key, includeMask: false)
            #expect(naive.zScore < clean.zScore / 2, "\(attack)")
        }
        #expect(clean.verdict == .watermarked)
    }

    @Test("a real watermarked paragraph pasted into a human essay is found by span search and located")
    func pastedParagraph() throws {
        let (text, key) = try watermarkedText(scheme: .leftHash, seed: 12)
        let corpus = try HumanCorpus(minimumWords: 250, limit: 2)
        let before = corpus.passages[0].text
        let after = corpus.passages[1].text
        let document = before + "\n\n" + text + "\n\n" + after
        let plain = try Detector(tokenizer: Self.model.tokenizer).detect(document, key: key, includeMask: false)
        let searched = try Detector(tokenizer: Self.model.tokenizer, configuration: .default.searchingSpans(true))
            .detect(document, key: key, includeMask: false)
        #expect(searched.verdict == .watermarked)
        let span = try #require(searched.span)
        // At least half of the reported span lies inside the pasted paragraph.
        let pasteStart = (before + "\n\n").utf8.count
        let pasteEnd = pasteStart + text.utf8.count
        let start = try #require(span.byteStart)
        let end = try #require(span.byteEnd)
        #expect(max(0, min(end, pasteEnd) - max(start, pasteStart)) * 2 >= end - start)
        #expect(searched.log10PValue < plain.log10PValue)
        #expect(span.windowsSearched > 10)
    }

    @Test("token replacement keeps the tokenizer's ordinary tokens and changes about the asked share")
    func tokenReplacement() throws {
        var config = RobustnessEvaluation.Configuration()
        config.prompts = 1
        let evaluation = RobustnessEvaluation(model: Self.model, configuration: config)
        let text = String(repeating: "The committee will meet again next week to discuss the budget. ", count: 8)
        var rng = SeededRandom(seed: 5)
        let replaced = try evaluation.replaceTokens(text, fraction: 0.3, using: &rng)
        let a = try Self.model.tokenizer.tokenize(text)
        #expect(replaced != text)
        #expect(!replaced.contains("<|im_start|>") && !replaced.contains("<|endoftext|>"))
        let b = try Self.model.tokenizer.tokenize(replaced)
        #expect(abs(b.count - a.count) < a.count / 2)
    }
}
