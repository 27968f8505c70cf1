import Foundation
import GreenmarkCore
import GreenmarkModel
import Testing

/// The real default model, loaded once (weights, 1 thread).
let sharedModel: LlamaModel = {
    try! LlamaModel(path: ModelLocator.resolve(), threads: 1)
}()

@Suite("Generator (real SmolLM2 model)", .serialized)
struct GeneratorTests {
    let key: WatermarkKey
    let detector = Detector(tokenizer: sharedTokenizer)

    init() throws {
        key = try WatermarkKey(secret: Array(repeating: 0x42, count: 32), scheme: .leftHash, state: .primary)
    }

    func request(_ prompt: String, tokens: Int, seed: UInt64) -> GenerationRequest {
        GenerationRequest(prompt: prompt, maxTokens: tokens, sampling: SamplingParameters(temperature: 0.8, topK: 0, topP: 0.95, seed: seed))
    }

    @Test("watermarked output is detected; unwatermarked output of the same prompt is not")
    func detectsWatermark() throws {
        let generator = Generator(model: sharedModel)
        let prompt = "Write a short essay about the history of the bicycle."
        let marked = try generator.generate(request(prompt, tokens: 200, seed: 1), key: key)
        let plain = try generator.generate(request(prompt, tokens: 200, seed: 1), key: nil)
        let rMarked = try detector.detect(marked.record.text, key: key, includeMask: false)
        let rPlain = try detector.detect(plain.record.text, key: key, includeMask: false)
        let (markedVerdict, plainVerdict) = (rMarked.verdict, rPlain.verdict)
        #expect(markedVerdict == .watermarked, "z = \(rMarked.zScore)")
        #expect(rMarked.zScore >= 6)
        #expect(plainVerdict != .watermarked, "z = \(rPlain.zScore)")
        #expect(rPlain.zScore < 4)
        #expect(marked.record.keyID == key.id && plain.record.keyID == nil)
        #expect(marked.record.model.sha256 == ModelLocator.defaultModelSHA256)
        #expect(marked.greenTokensDrawn > marked.record.tokens / 2)
        #expect(marked.prfEvaluations > 0 && plain.prfEvaluations == 0)
        #expect(marked.samplingSeconds > 0 && marked.decodeSeconds > 0)
    }

    @Test("the same seed gives the same text; the record describes the run")
    func deterministic() throws {
        let generator = Generator(model: sharedModel)
        let a = try generator.generate(request("Name three colours.", tokens: 40, seed: 9), key: key)
        let b = try generator.generate(request("Name three colours.", tokens: 40, seed: 9), key: key)
        #expect(a.record.text == b.record.text)
        #expect(!a.record.text.isEmpty)
        #expect(a.record.tokens <= 40)
        #expect(a.record.sampling.seed == 9)
        #expect(a.record.promptSHA256.count == 64)
        #expect([.length, .endOfGeneration].contains(a.record.finishReason))
    }

    @Test("max tokens is respected and greedy decoding is deterministic")
    func greedyAndLength() throws {
        let generator = Generator(model: sharedModel)
        var r = request("Write a long essay about the ocean and its creatures.", tokens: 12, seed: 1)
        r.sampling.temperature = 0
        let a = try generator.generate(r, key: key)
        r.sampling.seed = 2
        let b = try generator.generate(r, key: key)
        #expect(a.record.tokens == 12)
        #expect(a.record.finishReason == .length)
        #expect(a.record.text == b.record.text)
    }

    @Test("stop strings cut the output before the stop string")
    func stopStrings() throws {
        let generator = Generator(model: sharedModel)
        var r = request("List the numbers from 1 to 20, separated by commas.", tokens: 80, seed: 3)
        r.sampling.temperature = 0
        let full = try generator.generate(r, key: nil)
        // Stop on a string that the unstopped greedy output contains.
        let stop = "5"
        #expect(full.record.text.contains(stop))
        r.stopStrings = [stop]
        let cut = try generator.generate(r, key: nil)
        #expect(cut.record.finishReason == .stop)
        #expect(!cut.record.text.contains(stop))
        #expect(full.record.text.hasPrefix(cut.record.text))
    }

    @Test("streaming yields text that adds up to the final record, and cancellation stops it")
    func streaming() async throws {
        let generator = Generator(model: sharedModel)
        var pieces: [String] = []
        var final: GenerationResult?
        for try await event in generator.stream(request("Tell me about the moon.", tokens: 30, seed: 4), key: key) {
            switch event {
            case .text(let t): pieces.append(t)
            case .finished(let r): final = r
            }
        }
        let result = try #require(final)
        #expect(pieces.count > 1)
        #expect(pieces.joined() == result.record.text)

        var received = 0
        for try await event in generator.stream(request("Tell me a long story about dragons.", tokens: 400, seed: 5), key: key) {
            if case .text = event { received += 1 }
            if received == 3 { break }  // ends the stream; the generator sees the cancellation
        }
        #expect(received == 3)
    }

    @Test(
        "invalid requests are rejected with clear errors",
        arguments: [
            GenerationRequest(prompt: "", maxTokens: 10),
            GenerationRequest(prompt: "hi", maxTokens: 0),
            GenerationRequest(prompt: "hi", maxTokens: 100_000),
            GenerationRequest(prompt: "hi", sampling: SamplingParameters(temperature: -1, topK: 0, topP: 1, seed: nil)),
            GenerationRequest(prompt: "hi", sampling: SamplingParameters(temperature: 1, topK: 0, topP: 0, seed: nil)),
            GenerationRequest(prompt: "hi", delta: -2),
            GenerationRequest(prompt: "hi", stopStrings: [""]),
        ])
    func invalid(request: GenerationRequest) {
        #expect(throws: GreenmarkError.self) { try Generator(model: sharedModel).generate(request, key: key) }
    }

    @Test("a disabled key cannot watermark")
    func disabledKey() throws {
        let other = try WatermarkKey.generate(scheme: .leftHash, state: .enabled)
        let ring = try Keyring(keys: [key, other]).setting(other.id, to: .disabled)
        #expect(throws: GreenmarkError(.keyNotUsable, "")) {
            try Generator(model: sharedModel).generate(request("hi", tokens: 5, seed: 1), key: try ring.key(id: other.id))
        }
    }

    @Test("a key bound to another vocabulary is refused by the generator and the detector")
    func vocabularyMismatch() throws {
        let bound = try WatermarkKey.generate(scheme: .leftHash, state: .primary, vocabulary: "vocab-0123456789abcdef")
        #expect(throws: GreenmarkError(.vocabularyMismatch, "")) {
            try Generator(model: sharedModel).generate(request("hi", tokens: 5, seed: 1), key: bound)
        }
        #expect(throws: GreenmarkError(.vocabularyMismatch, "")) { try detector.detect("some text to score", key: bound) }
        let matching = try WatermarkKey.generate(scheme: .leftHash, state: .primary, vocabulary: sharedModel.tokenizer.vocabularyID)
        let result = try Generator(model: sharedModel).generate(request("hi", tokens: 5, seed: 1), key: matching)
        #expect(result.record.keyID == matching.id)
    }

    @Test("the chat template wraps the prompt in ChatML")
    func chatTemplate() throws {
        let prompt = try sharedModel.chatPrompt(system: "Be brief.", user: "Hello")
        #expect(prompt.contains("<|im_start|>system\nBe brief.<|im_end|>"))
        #expect(prompt.contains("<|im_start|>user\nHello<|im_end|>"))
        #expect(prompt.hasSuffix("<|im_start|>assistant\n"))
    }
}
