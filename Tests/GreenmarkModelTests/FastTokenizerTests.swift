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
        var ascii = 0, tokens = 0
        for name in names {
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            // Normalized as detection does: curly quotes and dashes become ASCII, so most take the fast path.
            let normalized = TextNormalizer().normalize(text).text
            if normalized.utf8.allSatisfy({ $0 < 0x80 }) { ascii += 1 }
            let fast = try sharedTokenizer.tokenize(normalized)
            let reference = try sharedTokenizer.referenceTokenize(normalized)
            #expect(fast == reference, "\(name)")
            tokens += reference.count
        }
        #expect(ascii > names.count / 2)
        #expect(tokens > 1_000_000)
    }

    @Test("10,000 random ASCII strings built from the pre-tokenizer's tricky pieces tokenize exactly as llama.cpp")
    func adversarial() throws {
        let pieces = [" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r", " \n", "'", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d",
                      "'S", "'RE", "s", "t", "re", "ll", "d", "m", "x", "The", "cat", "ABC", "0", "7", "42", "3.14", "1,000",
                      ".", ",", "!", "?", "...", "--", "(", ")", "\"", "#", "@", "~", "`", "|", "{}", "<|im_start|>", "A1b2", " '", "' "]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let text = (0..<Int.random(in: 1...24, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let fast = try sharedTokenizer.tokenize(text)
            let reference = try sharedTokenizer.referenceTokenize(text)
            #expect(fast == reference, "\(text.debugDescription)")
            if fast != reference { break }
        }
    }

    @Test("non-ASCII and control characters use llama.cpp directly and still agree", arguments: [
        "Café au lait — déjà vu", "tab\u{0B}vertical", "emoji 🙂 text", "nul\u{01}byte", "naïve 'quotes'",
    ])
    func fallback(text: String) throws {
        #expect(try sharedTokenizer.tokenize(text) == sharedTokenizer.referenceTokenize(text))
    }
}
