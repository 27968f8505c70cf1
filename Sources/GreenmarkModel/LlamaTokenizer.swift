import CLlama
import GreenmarkCore
import Synchronization

/// The model's own tokenizer: llama.cpp with the GGUF file loaded vocabulary-only (about 40 MB
/// and 130 ms; no weights).
public final class LlamaTokenizer: Tokenizer, @unchecked Sendable {
    // The model handle is immutable after loading and llama.cpp's tokenizer only reads the
    // vocabulary, so concurrent calls are safe.
    private let handle: LlamaModelHandle
    private var vocab: OpaquePointer { handle.vocab }
    private let pieces: [[UInt8]]

    /// Word to tokens, for the fast path (`GPT2PreTokenizer`), bounded in bytes: cleared when it
    /// would grow past `wordCacheByteLimit`; words longer than `cachedWordMaximumBytes` are never
    /// cached (a 300,000-letter "word" is an attack or a typo, not a word that comes back).
    private let wordCache = Mutex(WordCache())
    static let wordCacheByteLimit = 16 << 20
    static let cachedWordMaximumBytes = 128

    /// The cache and the bytes it accounts for (keys, token arrays and a fixed per-entry overhead).
    struct WordCache {
        var entries: [[UInt8]: [UInt32]] = [:]
        var bytes = 0

        /// What one entry costs: its key and tokens plus dictionary and array headers.
        static func cost(key: [UInt8], tokens: [UInt32]) -> Int { key.count + 4 * tokens.count + 96 }
    }

    /// The bytes the word cache accounts for now (for tests and `greenmark bench`).
    public var wordCacheBytes: Int { wordCache.withLock { $0.bytes } }
    /// Whether the vocabulary's pre-tokenizer is the one `GPT2PreTokenizer` ports ("smollm").
    public let hasFastPath: Bool

    public let name: String
    public let vocabularyID: String
    public var vocabularySize: Int { pieces.count }

    /// Loads the vocabulary of the GGUF model at `path`.
    public convenience init(modelPath path: String) throws(GreenmarkError) {
        try self.init(handle: LlamaModelHandle(path: path, vocabularyOnly: true))
    }

    /// The tokenizer of an already loaded model.
    init(handle: LlamaModelHandle) {
        self.handle = handle
        let vocab = handle.vocab
        self.name = String(handle.path.split(separator: "/").last ?? Substring(handle.path))
        let count = Int(llama_vocab_n_tokens(vocab))
        var table: [[UInt8]] = []
        table.reserveCapacity(count)
        var buffer = [CChar](repeating: 0, count: 256)
        for id in 0..<count {
            table.append(Self.piece(vocab: vocab, token: llama_token(id), buffer: &buffer))
        }
        self.pieces = table
        self.vocabularyID = Self.vocabularyID(pieces: table)
        var pre = [CChar](repeating: 0, count: 64)
        let n = llama_model_meta_val_str(handle.pointer, "tokenizer.ggml.pre", &pre, pre.count)
        self.hasFastPath = n > 0 && String(decoding: pre.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self) == "smollm"
    }

    /// Whether `token` is a control or end-of-generation token (chat markup, not text).
    public func isSpecial(_ token: UInt32) -> Bool {
        guard token < UInt32(pieces.count) else { return false }
        return llama_vocab_is_control(vocab, llama_token(token)) || llama_vocab_is_eog(vocab, llama_token(token))
    }

    /// Tokenizes `text` exactly as llama.cpp does. Printable ASCII text (with TAB, LF, CR) takes a
    /// fast path: the ported pre-tokenizer splits it into words; when every word is in the cache
    /// the answer is the words' cached tokens, otherwise llama.cpp tokenizes the whole text and
    /// its tokens, cut at word boundaries, fill the cache. Anything else goes to llama.cpp whole.
    public func tokenize(_ text: String) throws(GreenmarkError) -> [UInt32] {
        if hasFastPath, let tokens = try fastTokenize(text) { return tokens }
        return try tokenize(text, parseSpecial: false, addSpecial: false)
    }

    /// llama.cpp's own tokenization of the whole text, without the fast path (the reference the
    /// tests compare the fast path with).
    public func referenceTokenize(_ text: String) throws(GreenmarkError) -> [UInt32] {
        try tokenize(text, parseSpecial: false, addSpecial: false)
    }

    /// Empties the word cache (for measurements of the cold path).
    public func clearWordCache() {
        wordCache.withLock { $0 = WordCache() }
    }

    /// The tokens of `text` assembled from the word cache alone, or nil when the text is not
    /// printable ASCII or one of its words is not cached (what the tests compare with llama.cpp).
    public func cachedTokens(_ text: String) -> [UInt32]? {
        lookUp(text)?.assembled
    }

    /// A text split into the pre-tokenizer's words, each looked up in the cache once.
    private struct WordLookup {
        let words: [Range<Int>]
        let keys: [[UInt8]]
        let found: [[UInt32]?]

        /// The concatenated tokens when every word was cached.
        var assembled: [UInt32]? {
            guard found.allSatisfy({ $0 != nil }) else { return nil }
            var out: [UInt32] = []
            out.reserveCapacity(words.count + words.count / 4)
            for tokens in found { out.append(contentsOf: tokens!) }
            return out
        }
    }

    /// Splits printable-ASCII `text` into words and looks each up under one lock; nil for other text.
    private func lookUp(_ text: String) -> WordLookup? {
        let bytes = Array(text.utf8)
        guard let words = bytes.withUnsafeBufferPointer({ GPT2PreTokenizer.words(in: $0) }) else { return nil }
        let keys = words.map { Array(bytes[$0]) }
        return WordLookup(words: words, keys: keys, found: wordCache.withLock { cache in keys.map { cache.entries[$0] } })
    }

    private func fastTokenize(_ text: String) throws(GreenmarkError) -> [UInt32]? {
        guard let lookup = lookUp(text) else { return nil }
        if let tokens = lookup.assembled { return tokens }
        let (words, keys, found) = (lookup.words, lookup.keys, lookup.found)
        // A word is new: llama.cpp tokenizes the whole text (so the answer is its own), and its
        // tokens, cut at the words' byte boundaries, fill the cache.
        let tokens = try tokenize(text, parseSpecial: false, addSpecial: false)
        var fresh: [[UInt8]: [UInt32]] = [:]
        var word = 0
        var offset = 0
        var first = 0
        for (i, t) in tokens.enumerated() {
            offset += pieceBytes(of: t).count
            guard word < words.count else { break }
            if offset == words[word].upperBound {
                if found[word] == nil, keys[word].count <= Self.cachedWordMaximumBytes { fresh[keys[word]] = Array(tokens[first...i]) }
                word += 1
                first = i + 1
            } else if offset > words[word].upperBound {
                break  // a token spans two words: cache nothing more from this text
            }
        }
        if !fresh.isEmpty {
            wordCache.withLock { cache in
                let added = fresh.reduce(0) { $0 + (cache.entries[$1.key] == nil ? WordCache.cost(key: $1.key, tokens: $1.value) : 0) }
                if cache.bytes + added > Self.wordCacheByteLimit { cache = WordCache() }
                for (key, value) in fresh where cache.entries[key] == nil {
                    cache.entries[key] = value
                    cache.bytes += WordCache.cost(key: key, tokens: value)
                }
            }
        }
        return tokens
    }

    /// Tokenizes `text`; with `parseSpecial`, chat markup such as `<|im_start|>` becomes special
    /// tokens (for prompts built from the model's chat template, never for text being scored);
    /// with `addSpecial`, BOS/EOS are added as the model's metadata asks.
    func tokenize(_ text: String, parseSpecial: Bool, addSpecial: Bool) throws(GreenmarkError) -> [UInt32] {
        let utf8 = Array(text.utf8)
        guard utf8.count < Int(Int32.max) else {
            throw GreenmarkError(.tokenizerFailure, "text too long to tokenize (\(utf8.count) bytes)")
        }
        var capacity = utf8.count + 8
        while true {
            var tokens = [llama_token](repeating: 0, count: capacity)
            let n = utf8.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    llama_tokenize(vocab, chars.baseAddress, Int32(chars.count), &tokens, Int32(capacity), addSpecial, parseSpecial)
                }
            }
            if n >= 0 {
                return tokens.prefix(Int(n)).map { UInt32(bitPattern: $0) }
            }
            guard n != Int32.min, Int(-n) > capacity else {
                throw GreenmarkError(.tokenizerFailure, "llama_tokenize failed (\(n))")
            }
            capacity = Int(-n)
        }
    }

    public func pieceBytes(of token: UInt32) -> [UInt8] {
        Int(token) < pieces.count ? pieces[Int(token)] : []
    }

    /// The bytes of `token`, special tokens rendered, without stripping spaces.
    private static func piece(vocab: OpaquePointer, token: llama_token, buffer: inout [CChar]) -> [UInt8] {
        var n = llama_token_to_piece(vocab, token, &buffer, Int32(buffer.count), 0, true)
        if n < 0 {
            buffer = [CChar](repeating: 0, count: Int(-n))
            n = llama_token_to_piece(vocab, token, &buffer, Int32(buffer.count), 0, true)
        }
        return buffer.prefix(Int(max(n, 0))).map { UInt8(bitPattern: $0) }
    }
}
