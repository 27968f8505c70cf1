import CLlama
import GreenmarkCore
import GreenmarkCrypto

/// A GGUF model loaded once per process: weights, tokenizer, chat template and identity.
public final class LlamaModel: @unchecked Sendable {
    // Immutable after loading; each generation creates its own llama_context.
    let handle: LlamaModelHandle

    /// The model's tokenizer (shares the loaded vocabulary).
    public let tokenizer: LlamaTokenizer
    /// File name of the GGUF model.
    public let name: String
    /// Lower-case hex SHA-256 of the GGUF file: the model id that receipts name.
    public let sha256: String
    /// Context length the model was trained with.
    public let trainedContextLength: Int
    /// CPU threads per generation (1 holds up on a busy 2-core machine; see docs/generation.md).
    public let threads: Int
    /// Bytes of the vocabulary's longest token: a prompt of more than this many bytes per token
    /// of context cannot fit, whatever its tokenization.
    public let longestTokenBytes: Int
    /// The chat template the GGUF file carries (`tokenizer.chat_template`), or nil for a base
    /// model that has none (Gemma 3 270M): such a model continues plain text and takes no
    /// conversation (`supportsChat`).
    public let chatTemplate: String?

    /// Loads the model at `path` with `threads` CPU threads per generation.
    public init(path: String, threads: Int = 1) throws(GreenmarkError) {
        guard threads >= 1 else { throw GreenmarkError(.modelLoadFailed, "threads must be at least 1") }
        handle = try LlamaModelHandle(path: path, vocabularyOnly: false)
        tokenizer = LlamaTokenizer(handle: handle)
        name = tokenizer.name
        do {
            sha256 = Hex.encode(try SHA256Digest.hash(fileAtPath: path))
        } catch {
            throw GreenmarkError(.modelLoadFailed, error.description)
        }
        trainedContextLength = Int(llama_model_n_ctx_train(handle.pointer))
        self.threads = threads
        let tokenizer = tokenizer
        longestTokenBytes = max(1, (0..<tokenizer.vocabularySize).reduce(0) { max($0, tokenizer.pieceBytes(of: UInt32($1)).count) })
        chatTemplate = llama_model_chat_template(handle.pointer, nil).map { String(cString: $0) }
    }

    /// Path of the GGUF file this model was loaded from (for the server's own use; never shown to API callers).
    public var path: String { handle.path }

    /// Whether the model takes a conversation: its GGUF file carries a chat template. Without one
    /// (a base model), llama.cpp would silently fall back to ChatML markup the model never saw, so
    /// `prompt(messages:)` refuses with `generation.chat_unsupported` and a prompt is continued as
    /// plain text (`PromptFormat.continuation`).
    public var supportsChat: Bool { chatTemplate != nil }

    /// How this model reads a prompt: through its chat template, or continued as plain text.
    public var promptFormat: PromptFormat { supportsChat ? .chat : .continuation }

    /// The prompt text for one chat turn, through the model's own chat template, ending with the
    /// assistant's turn opener (`prompt(system:user:)` gives its tokens).
    public func chatPrompt(system: String?, user: String) throws(GreenmarkError) -> String {
        try prompt(system: system, user: user).text
    }

    /// The prompt text for a whole conversation, ending with the assistant's turn opener
    /// (`prompt(messages:)` gives its tokens).
    public func chatPrompt(messages conversation: [ChatMessage]) throws(GreenmarkError) -> String {
        try prompt(messages: conversation).text
    }

    /// Whether `token` ends a generation (EOS, end-of-turn, ...).
    func isEndOfGeneration(_ token: UInt32) -> Bool {
        llama_vocab_is_eog(handle.vocab, llama_token(bitPattern: token))
    }
}

#if canImport(Glibc)
    import Glibc
#endif

/// One message of a chat conversation.
public struct ChatMessage: Sendable, Codable, Equatable {
    public let role: String
    public let content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}
