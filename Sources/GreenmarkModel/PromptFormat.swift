/// How a model reads a prompt: what `/v1/model`, `/v1/models` and `greenmark generate` report.
public enum PromptFormat: String, Sendable, Codable, CaseIterable {
    /// The model has a chat template: a prompt is a user message (with an optional system
    /// message), and a conversation is accepted (SmolLM2-135M-Instruct).
    case chat
    /// The model has no chat template (a base model such as Gemma 3 270M): a prompt is text that
    /// the model continues, fed as plain text after BOS; a conversation or a system message is
    /// refused with `generation.chat_unsupported`.
    case continuation
}
