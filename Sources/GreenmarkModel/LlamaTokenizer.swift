import CLlama
import GreenmarkCore

/// The model's own tokenizer: llama.cpp with the GGUF file loaded vocabulary-only (about 40 MB
/// and 130 ms; no weights).
public final class LlamaTokenizer: Tokenizer, @unchecked Sendable {
    // The model handle is immutable after loading and llama.cpp's tokenizer only reads the
    // vocabulary, so concurrent calls are safe.
    private let model: OpaquePointer
    private let vocab: OpaquePointer
    private let pieces: [[UInt8]]

    public let name: String
    public var vocabularySize: Int { pieces.count }

    /// Loads the vocabulary of the GGUF model at `path`.
    public init(modelPath path: String) throws(GreenmarkError) {
        LlamaRuntime.ensureInitialized()
        var params = llama_model_default_params()
        params.vocab_only = true
        guard let model = llama_model_load_from_file(path, params) else {
            throw GreenmarkError(.modelLoadFailed, "llama.cpp could not load the vocabulary of \(path)")
        }
        guard let vocab = llama_model_get_vocab(model) else {
            llama_model_free(model)
            throw GreenmarkError(.modelLoadFailed, "\(path) has no vocabulary")
        }
        self.model = model
        self.vocab = vocab
        self.name = String(path.split(separator: "/").last ?? Substring(path))
        let count = Int(llama_vocab_n_tokens(vocab))
        var table: [[UInt8]] = []
        table.reserveCapacity(count)
        var buffer = [CChar](repeating: 0, count: 256)
        for id in 0..<count {
            table.append(Self.piece(vocab: vocab, token: llama_token(id), buffer: &buffer))
        }
        self.pieces = table
    }

    deinit {
        llama_model_free(model)
    }

    public func tokenize(_ text: String) throws(GreenmarkError) -> [UInt32] {
        let utf8 = Array(text.utf8)
        guard utf8.count < Int(Int32.max) else {
            throw GreenmarkError(.tokenizerFailure, "text too long to tokenize (\(utf8.count) bytes)")
        }
        var capacity = utf8.count + 8
        while true {
            var tokens = [llama_token](repeating: 0, count: capacity)
            let n = utf8.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    llama_tokenize(vocab, chars.baseAddress, Int32(chars.count), &tokens, Int32(capacity), false, false)
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
