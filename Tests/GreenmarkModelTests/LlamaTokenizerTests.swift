import Foundation
import GreenmarkCore
import GreenmarkModel
import Testing

/// Loaded once: the real default model (vocabulary only), installed by scripts/bootstrap.sh.
let sharedTokenizer: LlamaTokenizer = {
    try! LlamaTokenizer(modelPath: ModelLocator.resolve())
}()

@Suite("llama.cpp tokenizer (SmolLM2-135M-Instruct)")
struct LlamaTokenizerTests {
    @Test("the default model is installed, sha256-pinned, and has the expected vocabulary")
    func defaultModel() throws {
        let path = try ModelLocator.resolve()
        #expect(path.hasSuffix(ModelLocator.defaultModelFile))
        #expect(sharedTokenizer.vocabularySize == 49_152)
        #expect(sharedTokenizer.name == ModelLocator.defaultModelFile)
        #expect(sharedTokenizer.vocabularyID.hasPrefix("vocab-") && sharedTokenizer.vocabularyID.count == 22)
    }

    @Test(
        "tokenization round-trips: the pieces tile the text byte for byte",
        arguments: [
            "Hello, world!",
            "The quick brown fox jumps over the lazy dog.",
            "  leading spaces, trailing spaces  ",
            "Unicode: naïve café — “quotes” 日本語 🙂",
            "line one\nline two\n\n\ttabbed",
            "<|im_start|>user\nnot a special token here<|im_end|>",
        ])
    func roundTrip(text: String) throws {
        let tokens = try sharedTokenizer.tokenize(text)
        #expect(!tokens.isEmpty)
        #expect(tokens.allSatisfy { $0 < 49_152 })
        let bytes = tokens.flatMap { sharedTokenizer.pieceBytes(of: $0) }
        #expect(bytes == Array(text.utf8))
    }

    @Test("chat markup in user text is plain text, not special tokens")
    func specialMarkupIsText() throws {
        let tokens = try sharedTokenizer.tokenize("<|im_start|>")
        #expect(tokens.count > 1)
    }

    @Test("long text tokenizes (buffer growth path)")
    func longText() throws {
        let text = String(repeating: "Watermarks make machine text provable. ", count: 2000)
        let tokens = try sharedTokenizer.tokenize(text)
        #expect(tokens.count > 10_000)
    }

    @Test("a missing or bogus model file is a clear error")
    func badModel() throws {
        #expect(throws: GreenmarkError(.modelNotFound, "")) { try ModelLocator.resolve(explicit: "/nonexistent/model.gguf") }
        #expect(throws: GreenmarkError(.modelNotFound, "")) {
            try ModelLocator.resolve(environment: [ModelLocator.environmentVariable: "/nonexistent.gguf"])
        }
        let bogus = FileManager.default.temporaryDirectory.appendingPathComponent("bogus-\(UUID().uuidString).gguf").path
        #expect(FileManager.default.createFile(atPath: bogus, contents: Data("not a gguf file".utf8)))
        defer { try? FileManager.default.removeItem(atPath: bogus) }
        #expect(throws: GreenmarkError(.modelInvalid, "")) { try LlamaTokenizer(modelPath: bogus) }
        // A file with the GGUF magic but a truncated body reaches llama.cpp, which refuses it.
        let truncated = bogus + ".truncated.gguf"
        #expect(FileManager.default.createFile(atPath: truncated, contents: Data("GGUF".utf8) + Data(repeating: 0xff, count: 64)))
        defer { try? FileManager.default.removeItem(atPath: truncated) }
        #expect(throws: GreenmarkError(.modelLoadFailed, "")) { try LlamaTokenizer(modelPath: truncated) }
        #expect(throws: GreenmarkError(.modelNotFound, "")) { try LlamaTokenizer(modelPath: "/nonexistent.gguf") }
    }

    @Test("concurrent tokenization from many tasks gives identical results")
    func concurrent() async throws {
        let text = "Concurrency check: the tokenizer only reads the vocabulary."
        let expected = try sharedTokenizer.tokenize(text)
        let results = await withTaskGroup(of: [UInt32].self) { group in
            for _ in 0..<16 { group.addTask { (try? sharedTokenizer.tokenize(text)) ?? [] } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}
