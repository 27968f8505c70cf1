import Foundation
import GreenmarkCore
import GreenmarkEval
import GreenmarkModel
import Testing

@Suite("Per-key false-positive skew on the real tokenizer and corpus", .serialized)
struct FairnessEvaluationTests {
    static let tokenizer: LlamaTokenizer = try! LlamaTokenizer(modelPath: ModelLocator.resolve())

    func configuration(schemes: [WatermarkScheme]) -> FairnessEvaluation.Configuration {
        var c = FairnessEvaluation.Configuration()
        c.schemes = schemes
        c.keys = 5
        c.passages = 50
        c.subsets = [20]
        c.alphas = [0.2, 0.05]
        c.jobs = 2
        c.replicates = 200
        return c
    }

    @Test("per-key counts, z and verdicts equal a direct detector run on the raw passages", arguments: [WatermarkScheme.leftHash, .selfHash])
    func countsMatchDirectDetection(scheme: WatermarkScheme) throws {
        let evaluation = FairnessEvaluation(tokenizer: Self.tokenizer, configuration: configuration(schemes: [scheme]))
        let report = try evaluation.run()
        let passages = try evaluation.passages()
        #expect(passages.count == 50 && report.passages == 50)
        let keys = try RobustnessEvaluation.evaluationKeys(count: 5, scheme: scheme, vocabulary: Self.tokenizer.vocabularyID)
        let detector = Detector(tokenizer: Self.tokenizer)
        let direct = try keys.map { key in try passages.map { try detector.detect($0.text, key: key, includeMask: false) } }
        let full = try #require(report.schemes.first?.subsets.first { $0.passages == 50 })
        let first20 = try #require(report.schemes.first?.subsets.first { $0.passages == 20 })
        for (k, results) in direct.enumerated() {
            #expect(full.perKey[k].keyID == keys[k].id)
            for (a, alpha) in [0.2, 0.05].enumerated() {
                let expected = results.filter { $0.tokensScored >= 50 && $0.pValue <= alpha }.count
                #expect(full.perKey[k].counts[a] == expected, "key \(k) alpha \(alpha)")
                #expect(first20.perKey[k].counts[a] == results.prefix(20).filter { $0.tokensScored >= 50 && $0.pValue <= alpha }.count)
            }
            let meanZ = results.reduce(0) { $0 + $1.zScore } / 50
            #expect(abs(full.perKey[k].meanZ - meanZ) < 1e-12)
            #expect(full.perKey[k].watermarked == results.filter(\.watermarked).count)
        }
        // The summary is computed from those counts.
        let counts = full.perKey.map { Double($0.counts[0]) }
        #expect(abs(full.alphas[0].observedMeanCount - counts.reduce(0, +) / 5) < 1e-12)
        #expect(abs(full.alphas[0].ratio.max - counts.max()! / (0.2 * 50)) < 1e-12)
        #expect(full.alphas[0].fairMeanCount <= 0.2 * 50 + 1e-9)
        #expect(full.alphas[0].degreesOfFreedom == 5)
        #expect(report.markdownTable().contains(scheme.description))
    }

    @Test("the cached tokenizer returns the wrapped tokenizer's ids, also for texts it has not seen")
    func cacheIsTransparent() throws {
        let texts = ["The Congress of the United States.", "A second, different sentence."]
        let cache = try FairnessTokenCache(base: Self.tokenizer, texts: texts)
        #expect(cache.count == 2)
        for text in texts + ["Not cached at all."] { #expect(try cache.tokenize(text) == Self.tokenizer.tokenize(text)) }
        #expect(cache.vocabularyID == Self.tokenizer.vocabularyID)
    }

    @Test("a selection that matches no passage is a clear error")
    func emptySelection() throws {
        var c = configuration(schemes: [.default])
        c.throughYear = 1700
        #expect(throws: GreenmarkError.self) { try FairnessEvaluation(tokenizer: Self.tokenizer, configuration: c).passages() }
    }
}
