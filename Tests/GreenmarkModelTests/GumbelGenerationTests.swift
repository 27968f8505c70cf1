import Foundation
import GreenmarkCore
import GreenmarkModel
import Testing

@Suite("gumbel-v1 generation (real SmolLM2 model)", .serialized)
struct GumbelGenerationTests {
    let key: WatermarkKey
    let detector = Detector(tokenizer: sharedTokenizer)

    init() throws {
        key = try WatermarkKey(secret: Array(repeating: 0x47, count: 32), scheme: .gumbel, state: .primary)
    }

    func request(_ prompt: String, tokens: Int, seed: UInt64) -> GenerationRequest {
        GenerationRequest(prompt: prompt, maxTokens: tokens, sampling: SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: seed))
    }

    @Test("gumbel-v1 output is detected by its score; unwatermarked output of the same prompt is not; no delta, no green count")
    func detects() throws {
        let generator = Generator(model: sharedModel)
        let prompt = "Write a short essay about the history of the bicycle."
        let marked = try generator.generate(request(prompt, tokens: 150, seed: 1), key: key)
        let plain = try generator.generate(request(prompt, tokens: 150, seed: 1), key: nil)
        let rMarked = try detector.detect(marked.record.text, key: key, includeMask: false)
        let rPlain = try detector.detect(plain.record.text, key: key, includeMask: false)
        #expect(rMarked.verdict == .watermarked, "S = \(rMarked.score ?? 0), T = \(rMarked.tokensScored)")
        #expect(rMarked.score.map { $0 > 1.5 * Double(rMarked.tokensScored) } == true)
        #expect(rPlain.verdict != .watermarked && rPlain.log10PValue > -4)
        #expect(marked.record.delta == 0 && marked.greenTokensDrawn == 0 && marked.record.scheme == .gumbel)
    }

    @Test("different seeds give different texts (the unwatermarked prefix); the same seed the same text")
    func diversity() throws {
        let generator = Generator(model: sharedModel)
        let prompt = "Write a short story about a lighthouse keeper."
        let texts = try (1...4).map { try generator.generate(request(prompt, tokens: 30, seed: UInt64($0)), key: key).record.text }
        // Two generations share the 10-nat prefix with probability at most e^-10 (docs/prf.md).
        #expect(Set(texts).count >= 3, "\(texts)")
        let again = try generator.generate(request(prompt, tokens: 30, seed: 1), key: key).record.text
        #expect(again == texts[0])
    }
}
