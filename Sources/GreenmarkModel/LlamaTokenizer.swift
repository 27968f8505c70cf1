import CLlama
import GreenmarkCore

/// The model's own tokenizer: llama.cpp with the GGUF file loaded vocabulary-only (about 40 MB
/// and 130 ms; no weights).
public final class LlamaTokenizer: Tokenizer, @unchecked Sendable {
    // The model handle is immutable after loading and llama.cpp's tokenizer only reads the
    // vocabulary, so concurrent calls are safe.
    private let handle: LlamaModelHandle
    private var vocab: OpaquePointer { handle.vocab }
    private let pieces: [[UInt8]]

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
    }

    /// Whether `token` is a control or end-of-generation token (chat markup, not text).
    public func isSpecial(_ token: UInt32) -> Bool {
        guard token < UInt32(pieces.count) else { return false }
        return llama_vocab_is_control(vocab, llama_token(token)) || llama_vocab_is_eog(vocab, llama_token(token))
    }

    public func tokenize(_ text: String) throws(GreenmarkError) -> [UInt32] {
        try tokenize(text, parseSpecial: false, addSpecial: false)
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
