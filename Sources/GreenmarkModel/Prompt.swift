import CLlama
import GreenmarkCore
import GreenmarkCrypto

#if canImport(Glibc)
    import Glibc
#endif

/// The roles a chat message may have.
public enum ChatRoles {
    /// `developer` (OpenAI's newer name for the system role) is sent to the model as `system`.
    public static let allowed: Set<String> = ["system", "developer", "user", "assistant"]

    /// The role as the chat template writes it.
    static func templateRole(_ role: String) -> String { role == "developer" ? "system" : role }

    /// Throws `generation.invalid_role` unless every role is allowed.
    public static func check(_ messages: [ChatMessage]) throws(GreenmarkError) {
        for (i, message) in messages.enumerated() where !allowed.contains(message.role) {
            let shown = message.role.unicodeScalars.count <= 32 ? message.role.debugDescription : "(a \(message.role.utf8.count)-byte string)"
            throw GreenmarkError(.invalidRole, "message \(i + 1) has role \(shown); roles are system, developer, user and assistant")
        }
    }
}

/// A prompt as the model is fed it.
public struct Prompt: Sendable, Equatable {
    /// The prompt text: the chat template with the messages in it.
    public let text: String
    /// The token ids fed to the model. In a chat prompt, special tokens (`<|im_start|>`,
    /// `<|im_end|>`, ...) come only from the template's own markup; message content is tokenized
    /// as plain text, so text that looks like markup stays text.
    public let tokens: [UInt32]

    /// What a generation receipt states as `prompt_sha256`: lowercase hex SHA-256 of the token
    /// ids, each as 4 bytes big-endian, in order. The ids, not the text: the same text can be
    /// tokenized with or without special tokens, and the ids are exactly what the model saw.
    public var sha256: String { Self.sha256(of: tokens) }

    public static func sha256(of tokens: [UInt32]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(tokens.count * 4)
        for t in tokens { bytes += [UInt8(t >> 24), UInt8(t >> 16 & 0xFF), UInt8(t >> 8 & 0xFF), UInt8(t & 0xFF)] }
        return Hex.encode(SHA256Digest.hash(bytes))
    }
}

extension LlamaModel {
    /// A chat prompt for `messages`, ending with the assistant's turn opener: the model's own
    /// chat template writes the markup (whose special tokens are parsed), and each message's
    /// content is tokenized as plain text. Roles must be in `ChatRoles.allowed`.
    ///
    /// The template is applied with a unique placeholder for each content, the result split at
    /// the placeholders; the template's pieces are tokenized with special tokens parsed and the
    /// plain text around each content joined with it, so that for content without markup the
    /// tokens are exactly those of tokenizing the whole prompt.
    public func prompt(messages: [ChatMessage]) throws(GreenmarkError) -> Prompt {
        guard !messages.isEmpty else { throw GreenmarkError(.emptyText, "the conversation is empty") }
        try ChatRoles.check(messages)
        guard supportsChat else { throw chatUnsupported("a conversation") }
        let nonce: String
        do { nonce = Hex.encode(try SecureRandom.bytes(count: 8)) } catch { throw GreenmarkError(.cryptoFailure, "\(error)") }
        // Private-use code points around a random nonce: no template writes them, and content
        // that contains the marker is refused (a 2^-64 chance for content not crafted to collide).
        let marker = "\u{E000}gm" + nonce
        guard !messages.contains(where: { $0.content.contains(marker) }) else {
            throw GreenmarkError(.cryptoFailure, "a message collides with the content marker; retry")
        }
        let placeholders = messages.indices.map { "\(marker)-\($0)\u{E001}" }
        let roles = messages.map { ChatRoles.templateRole($0.role) }
        let skeleton = Array(try applyTemplate(roles: roles, contents: placeholders).utf8)

        // Template text and content, in order; each placeholder must appear exactly once, in order.
        var segments: [(text: [UInt8], isContent: Bool)] = []
        var offset = 0
        for (i, placeholder) in placeholders.enumerated() {
            let p = Array(placeholder.utf8)
            guard let at = Self.find(p, in: skeleton, from: offset) else {
                throw GreenmarkError(.templateUnsupported, "the model's chat template does not pass message content through unchanged")
            }
            segments.append((Array(skeleton[offset..<at]), false))
            segments.append((Array(messages[i].content.utf8), true))
            offset = at + p.count
        }
        segments.append((Array(skeleton[offset...]), false))
        guard Self.find(Array(marker.utf8), in: skeleton, from: offset) == nil else {
            throw GreenmarkError(.templateUnsupported, "the model's chat template repeats message content")
        }
        let text = String(decoding: segments.flatMap(\.text), as: UTF8.self)
        // A template that changes content (trims it, say) would have written something else.
        if !messages.contains(where: { $0.content.utf8.contains(0) }),
            try applyTemplate(roles: roles, contents: messages.map(\.content)) != text
        {
            throw GreenmarkError(.templateUnsupported, "the model's chat template changes message content")
        }

        var tokens: [UInt32] = []
        if llama_vocab_get_add_bos(handle.vocab) { tokens.append(UInt32(bitPattern: llama_vocab_bos(handle.vocab))) }
        var plain: [UInt8] = []  // plain text waiting to be tokenized
        var stripLeadingSpace = false  // after a special token with the rstrip attribute
        func appendPlain(_ bytes: [UInt8]) {
            var bytes = bytes[...]
            if stripLeadingSpace {
                bytes = bytes.drop(while: Self.isSpace)
                if !bytes.isEmpty { stripLeadingSpace = false }
            }
            plain += bytes
        }
        func flush() throws(GreenmarkError) {
            guard !plain.isEmpty else { return }
            tokens += try tokenizer.tokenize(String(decoding: plain, as: UTF8.self), parseSpecial: false, addSpecial: false)
            plain.removeAll(keepingCapacity: true)
        }
        for segment in segments {
            if segment.isContent {
                appendPlain(segment.text)
                continue
            }
            guard !segment.text.isEmpty else { continue }
            for token in try tokenizer.tokenize(String(decoding: segment.text, as: UTF8.self), parseSpecial: true, addSpecial: false) {
                let attributes = llama_vocab_get_attr(handle.vocab, llama_token(bitPattern: token)).rawValue
                guard attributes & LLAMA_TOKEN_ATTR_CONTROL.rawValue != 0 else {
                    appendPlain(tokenizer.pieceBytes(of: token))
                    continue
                }
                // As llama.cpp does around special tokens with these attributes.
                if attributes & LLAMA_TOKEN_ATTR_LSTRIP.rawValue != 0 {
                    while let last = plain.last, Self.isSpace(last) { plain.removeLast() }
                }
                try flush()
                tokens.append(token)
                stripLeadingSpace = attributes & LLAMA_TOKEN_ATTR_RSTRIP.rawValue != 0
            }
        }
        try flush()
        if llama_vocab_get_add_eos(handle.vocab) { tokens.append(UInt32(bitPattern: llama_vocab_eos(handle.vocab))) }
        return Prompt(text: text, tokens: tokens)
    }

    /// A one-turn prompt as the model reads it (`promptFormat`): with a chat template, an optional
    /// system message then the user's; a base model without one continues `user` as plain text
    /// (`continuationPrompt`) and refuses a system message with `generation.chat_unsupported`.
    public func prompt(system: String?, user: String) throws(GreenmarkError) -> Prompt {
        guard supportsChat else {
            guard system == nil else { throw chatUnsupported("a system message") }
            return try continuationPrompt(user)
        }
        var messages: [ChatMessage] = []
        if let system { messages.append(ChatMessage(role: "system", content: system)) }
        messages.append(ChatMessage(role: "user", content: user))
        return try prompt(messages: messages)
    }

    /// `text` for the model to continue: BOS when the model's metadata asks for it, then `text`
    /// tokenized as plain text (markup such as `<start_of_turn>` stays text). What a base model
    /// takes, from API callers too.
    public func continuationPrompt(_ text: String) throws(GreenmarkError) -> Prompt {
        var tokens: [UInt32] = []
        if llama_vocab_get_add_bos(handle.vocab) { tokens.append(UInt32(bitPattern: llama_vocab_bos(handle.vocab))) }
        tokens += try tokenizer.tokenize(text, parseSpecial: false, addSpecial: false)
        return Prompt(text: text, tokens: tokens)
    }

    /// The refusal of `what` by a model without a chat template.
    func chatUnsupported(_ what: String) -> GreenmarkError {
        GreenmarkError(
            .chatUnsupported,
            "\(name) has no chat template (a base model): it continues a plain prompt and cannot take \(what); "
                + "send the text to continue as the prompt (POST /v1/generate), or use a model with a chat template")
    }

    /// `text` sent as is, without the chat template, its markup parsed into special tokens: for
    /// an operator who writes the whole prompt (`greenmark generate --raw`), never for content
    /// from API callers.
    public func rawPrompt(_ text: String) throws(GreenmarkError) -> Prompt {
        Prompt(text: text, tokens: try tokenizer.tokenize(text, parseSpecial: true, addSpecial: true))
    }

    /// The model's chat template applied to a conversation, ending with the assistant's turn opener.
    func applyTemplate(roles: [String], contents: [String]) throws(GreenmarkError) -> String {
        // Never nil here: without a template llama.cpp would fall back to ChatML (`supportsChat`).
        guard let template = llama_model_chat_template(handle.pointer, nil) else { throw chatUnsupported("a conversation") }
        let cStrings = zip(roles, contents).map { (strdup($0.0)!, strdup($0.1)!) }
        defer {
            for (r, c) in cStrings {
                free(r)
                free(c)
            }
        }
        let messages = cStrings.map { llama_chat_message(role: $0.0, content: $0.1) }
        var capacity = 2 * contents.reduce(0) { $0 + $1.utf8.count } + 256
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let n = llama_chat_apply_template(template, messages, messages.count, true, &buffer, Int32(clamping: capacity))
            guard n >= 0 else {
                throw GreenmarkError(.modelLoadFailed, "the model's chat template is not supported by llama.cpp")
            }
            if Int(n) <= capacity {
                return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            capacity = Int(n)
        }
    }

    /// The first index of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// C's isspace in the "C" locale, as llama.cpp strips around special tokens.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
}
