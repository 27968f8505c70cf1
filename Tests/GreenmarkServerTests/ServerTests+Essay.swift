import GreenmarkCore
import GreenmarkModel

extension ServerTests {
    /// A real essay from the model under `key` (temperature 1) that detection calls watermarked
    /// over more than 100 scored tokens.
    ///
    /// The key is fresh each run, and with it the text: about 1 run in 40 the model ends its essay
    /// before 100 scored tokens (too short to show the watermark or the highlighting, whatever the
    /// score). The next seed is tried until the essay is long enough, at most 10; the first nearly
    /// always is. The last attempt is returned either way, for the caller's assertions to judge.
    static func watermarkedEssay(model: LlamaModel, key: WatermarkKey) throws -> String {
        var generated = ""
        for seed in UInt64(31)...40 {
            let request = GenerationRequest(
                prompt: "Write a short essay about why libraries matter.", maxTokens: 180,
                sampling: SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: seed))
            generated = try Generator(model: model).generate(request, key: key).record.text
            let r = try Detector(tokenizer: tokenizer).detect(generated, key: key, includeMask: false)
            if r.verdict == .watermarked && r.tokensScored > 100 { break }
        }
        return generated
    }
}
