import GreenmarkCore

/// What to generate.
public struct GenerationRequest: Sendable {
    /// The user's prompt.
    public var prompt: String
    /// An optional system message.
    public var system: String?
    /// Send `prompt` to the model as is, without the chat template.
    public var rawPrompt: Bool
    /// A whole conversation; when set, it replaces `prompt` and `system`.
    public var messages: [ChatMessage]? = nil
    /// Most tokens to generate.
    public var maxTokens: Int
    /// Generation stops before the first occurrence of any of these strings (matched literally,
    /// Unicode scalar by Unicode scalar; at most `StopStrings.maximumCount`, each at most
    /// `StopStrings.maximumLength` scalars).
    public var stopStrings: [String]
    public var sampling: SamplingParameters
    /// Logit bias added to green tokens (default 2.0).
    public var delta: Double
    /// Also sum the model's own log-probability (temperature 1, no bias) of every generated
    /// token, for perplexity. Costs a log-sum-exp over the vocabulary per token.
    public var measureLogLikelihood: Bool = false

    public init(
        prompt: String, system: String? = nil, rawPrompt: Bool = false, maxTokens: Int = 200,
        stopStrings: [String] = [], sampling: SamplingParameters = .default, delta: Double = 2.0
    ) {
        self.prompt = prompt
        self.system = system
        self.rawPrompt = rawPrompt
        self.maxTokens = maxTokens
        self.stopStrings = stopStrings
        self.sampling = sampling
        self.delta = delta
    }
}

extension GenerationRequest {
    /// Checks everything that needs no model: a prompt or a conversation with allowed roles,
    /// max tokens, sampling parameters, delta, and the stop strings' number and length
    /// (`StopStrings`). The prompt's fit in the model's context is checked by `Generator.prepare`.
    public func validate() throws(GreenmarkError) {
        if let messages {
            guard !messages.isEmpty else { throw GreenmarkError(.emptyText, "the conversation is empty") }
            try ChatRoles.check(messages)
        } else {
            guard !prompt.isEmpty else { throw GreenmarkError(.emptyText, "the prompt is empty") }
        }
        guard maxTokens >= 1 else { throw GreenmarkError(.generationInvalid, "max tokens must be at least 1") }
        guard sampling.temperature.isFinite, sampling.temperature >= 0 else {
            throw GreenmarkError(.generationInvalid, "temperature must be a finite number >= 0")
        }
        guard sampling.topP > 0, sampling.topP <= 1 else { throw GreenmarkError(.generationInvalid, "top-p must be in (0, 1]") }
        guard sampling.topK >= 0 else { throw GreenmarkError(.generationInvalid, "top-k must be >= 0") }
        guard delta.isFinite, delta >= 0 else { throw GreenmarkError(.generationInvalid, "delta must be a finite number >= 0") }
        try StopStrings.check(stopStrings)
    }
}
