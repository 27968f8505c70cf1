import Foundation
import GreenmarkCore
import GreenmarkModel
import Testing

/// The tokenizer's fast path (ported pre-tokenizer + per-word cache) must give exactly
/// llama.cpp's tokens; these tests compare the two on real and adversarial text.
@Suite("Fast tokenization agrees with llama.cpp")
struct FastTokenizerTests {
    @Test("the word cache is bounded in bytes: a 300,000-letter word is tokenized right and never cached; new words are accounted")
    func cacheBoundedInBytes() throws {
        let tokenizer = try LlamaTokenizer(modelPath: ModelLocator.resolve())  // its own, empty cache
        #expect(tokenizer.wordCacheBytes == 0)
        _ = try tokenizer.tokenize("A few ordinary words to start the cache.")
        let ordinary = tokenizer.wordCacheBytes
        #expect(ordinary > 0)
        for seed in 0..<3 {
            var generator = SystemRandomNumberGenerator()
            let word = String((0..<300_000).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x61...0x7A, using: &generator))) })
            let text = "Here is a long one: \(word) and its end \(seed)."
            #expect(try tokenizer.tokenize(text) == (try tokenizer.referenceTokenize(text)))
            #expect(tokenizer.cachedTokens(text) == nil)
        }
        // Only the short new words ("Here", "is", "long", "one", ...) were added: a few hundred bytes.
        #expect(tokenizer.wordCacheBytes - ordinary < 4_096, "\(tokenizer.wordCacheBytes - ordinary) bytes for three 300k-letter words")
    }

    @Test("the default model's vocabulary has the ported pre-tokenizer")
    func fastPathAvailable() {
        #expect(sharedTokenizer.hasFastPath)
    }

    @Test("every State of the Union address tokenizes exactly as llama.cpp tokenizes it")
    func corpus() throws {
        let dir = "/usr/local/share/greenmark/corpora/sotu"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".txt") }.sorted()
        #expect(names.count > 200)
        let tokenizer = try LlamaTokenizer(modelPath: ModelLocator.resolve())  // its own, empty cache
        // Normalized as detection does: curly quotes and dashes become ASCII, so most take the fast path.
        let texts = try names.map { TextNormalizer().normalize(try String(contentsOfFile: dir + "/" + $0, encoding: .utf8)).text }
        // First pass fills the word cache (from llama.cpp's tokens of other speeches too).
        for text in texts { _ = try tokenizer.tokenize(text) }
        // Second pass: every ASCII speech is assembled from the cache alone, and must equal llama.cpp.
        var fromCache = 0
        var tokens = 0
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
        let pieces = [
            " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r", " \n", "'", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d",
            "'S", "'RE", "s", "t", "re", "ll", "d", "m", "x", "The", "cat", "ABC", "0", "7", "42", "3.14", "1,000",
            ".", ",", "!", "?", "...", "--", "(", ")", "\"", "#", "@", "~", "`", "|", "{}", "<|im_start|>", "A1b2", " '", "' ",
        ]
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

    @Test(
        "non-ASCII and control characters use llama.cpp directly and still agree",
        arguments: [
            "Café au lait — déjà vu", "tab\u{0B}vertical", "emoji 🙂 text", "nul\u{01}byte", "naïve 'quotes'",
        ])
    func fallback(text: String) throws {
        #expect(try sharedTokenizer.tokenize(text) == sharedTokenizer.referenceTokenize(text))
    }
}
