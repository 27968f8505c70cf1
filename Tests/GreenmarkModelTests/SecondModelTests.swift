import Foundation
import GreenmarkCore
import Testing

@testable import GreenmarkModel

/// Gemma 3 270M, the second model `scripts/bootstrap.sh` installs (`ModelLocator.gemma()`), loaded
/// once; nil when it is not installed.
let gemmaModel: LlamaModel? = ModelLocator.gemma().map { try! LlamaModel(path: $0, threads: 1) }

/// Whether the suites on Gemma run: the model is installed, or `CI` is set (there a missing model
/// fails the tests instead of skipping them).
let gemmaEnabled = ModelLocator.gemma() != nil || ProcessInfo.processInfo.environment["CI"] != nil

/// The loaded Gemma model, or a failure that says how to install it.
func requireGemma() throws -> LlamaModel {
    try #require(
        gemmaModel,
        "Gemma 3 270M is not installed: run scripts/bootstrap.sh or set \(ModelLocator.gemmaEnvironmentVariable)")
}

/// The pipeline on a second real model whose tokenizer and vocabulary differ sharply from
/// SmolLM2's: Gemma 3 270M (SentencePiece, 262,144 tokens, BOS, a base model without a chat
/// template). Skipped, with this reason, only where the model is missing outside CI.
@Suite(
    "Second model: Gemma 3 270M (real model; base model, 262,144-token vocabulary)", .serialized,
    .enabled(if: gemmaEnabled, "Gemma 3 270M is not installed (scripts/bootstrap.sh installs it; or set GREENMARK_MODEL_GEMMA)"))
struct SecondModelTests {
    let key: WatermarkKey

    init() throws {
        let gemma = try requireGemma()
        key = try WatermarkKey(
            secret: Array(repeating: 0x5A, count: 32), scheme: .leftHash, state: .primary, vocabulary: gemma.tokenizer.vocabularyID)
    }

    @Test("the installed file is the pinned Gemma 3 270M: SHA-256, 262,144 tokens, BOS added, no chat template; SmolLM2 has one")
    func identity() throws {
        let gemma = try requireGemma()
        #expect(gemma.sha256 == ModelLocator.gemmaModelSHA256)
        #expect(gemma.name == ModelLocator.gemmaModelFile)
        #expect(gemma.tokenizer.vocabularySize == 262_144)
        #expect(!gemma.tokenizer.hasFastPath)  // not SmolLM2's pre-tokenizer: llama.cpp tokenizes every text
        #expect(gemma.tokenizer.vocabularyID != sharedModel.tokenizer.vocabularyID)
        #expect(gemma.chatTemplate == nil && !gemma.supportsChat && gemma.promptFormat == .continuation)
        #expect(sharedModel.chatTemplate?.contains("<|im_start|>") == true)
        #expect(sharedModel.supportsChat && sharedModel.promptFormat == .chat)
    }

    @Test("a prompt is continued as plain text after BOS; markup in it stays text")
    func continuationPrompt() throws {
        let gemma = try requireGemma()
        let text = "The history of the bicycle begins <start_of_turn>user"
        let prompt = try gemma.prompt(system: nil, user: text)
        #expect(prompt == (try gemma.continuationPrompt(text)))
        #expect(prompt.text == text)
        #expect(prompt.tokens.first.map { gemma.tokenizer.pieceBytes(of: $0) } == Array("<bos>".utf8))
        #expect(Array(prompt.tokens.dropFirst()) == (try gemma.tokenizer.tokenize(text, parseSpecial: false, addSpecial: false)))
        #expect(prompt.tokens.dropFirst().allSatisfy { !gemma.tokenizer.isSpecial($0) })
        // The operator's raw prompt parses markup; a continuation never does.
        let raw = try gemma.rawPrompt(text)
        #expect(raw.tokens.dropFirst().contains { gemma.tokenizer.isSpecial($0) })
    }

    @Test("a conversation or a system message to the base model is generation.chat_unsupported, with a message that says what to send")
    func chatRefused() throws {
        let gemma = try requireGemma()
        let conversation = [ChatMessage(role: "user", content: "Hello")]
        #expect(throws: GreenmarkError(.chatUnsupported, "")) { try gemma.prompt(messages: conversation) }
        #expect(throws: GreenmarkError(.chatUnsupported, "")) { try gemma.prompt(system: "Be brief.", user: "Hello") }
        do {
            _ = try gemma.prompt(messages: conversation)
        } catch {
            #expect(error.reason.contains("no chat template") && error.reason.contains(ModelLocator.gemmaModelFile), "\(error.reason)")
        }
        var request = GenerationRequest(prompt: "", maxTokens: 8)
        request.messages = conversation
        #expect(throws: GreenmarkError(.chatUnsupported, "")) { try Generator(model: gemma).prepare(request, key: nil) }
        // The chat model still takes both.
        #expect(try sharedModel.prompt(messages: conversation).tokens.count > 3)
    }

    @Test("watermarked generation on Gemma is detected under its own key; the same seed unwatermarked is not")
    func generateDetect() throws {
        let gemma = try requireGemma()
        let generator = Generator(model: gemma)
        let request = GenerationRequest(
            prompt: "The history of the bicycle begins", maxTokens: 150,
            sampling: SamplingParameters(temperature: 1.0, topK: 0, topP: 1.0, seed: 21))
        let marked = try generator.generate(request, key: key)
        let plain = try generator.generate(request, key: nil)
        let detector = Detector(tokenizer: gemma.tokenizer)
        let rMarked = try detector.detect(marked.record.text, key: key, includeMask: false)
        let rPlain = try detector.detect(plain.record.text, key: key, includeMask: false)
        #expect(rMarked.verdict == .watermarked, "z = \(rMarked.zScore), \(rMarked.tokensScored) tokens: \(marked.record.text)")
        #expect(rPlain.zScore < 4, "z = \(rPlain.zScore)")
        #expect(marked.record.model.sha256 == ModelLocator.gemmaModelSHA256)
        #expect(marked.record.model.name == ModelLocator.gemmaModelFile)
        #expect(marked.record.promptSHA256 == (try gemma.continuationPrompt(request.prompt)).sha256)
    }

    @Test("a key made for SmolLM2's vocabulary is refused on Gemma, for generation and detection, naming both vocabularies")
    func smolKeyRefused() throws {
        let gemma = try requireGemma()
        let smolKey = try WatermarkKey(
            secret: Array(repeating: 0x5A, count: 32), scheme: .leftHash, state: .primary, vocabulary: sharedModel.tokenizer.vocabularyID)
        let request = GenerationRequest(prompt: "The river", maxTokens: 4)
        #expect(throws: GreenmarkError(.vocabularyMismatch, "")) { try Generator(model: gemma).prepare(request, key: smolKey) }
        do {
            _ = try Detector(tokenizer: gemma.tokenizer).detect("Some text to score for the refusal.", key: smolKey)
            Issue.record("a SmolLM2 key scored a text with Gemma's tokenizer")
        } catch {
            #expect(error.code == .vocabularyMismatch)
            #expect(
                error.reason.contains(sharedModel.tokenizer.vocabularyID) && error.reason.contains(gemma.tokenizer.vocabularyID), "\(error.reason)")
            #expect(error.reason.contains(ModelLocator.gemmaModelFile))
        }
        // And the other way round.
        #expect(throws: GreenmarkError(.vocabularyMismatch, "")) {
            try Detector(tokenizer: sharedModel.tokenizer).detect("Some text to score for the refusal.", key: key)
        }
    }
}
