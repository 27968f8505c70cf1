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
    /// Generation stops before the first occurrence of any of these strings.
    public var stopStrings: [String]
    public var sampling: SamplingParameters
    /// Logit bias added to green tokens (default 2.0).
    public var delta: Double
    /// Also sum the model's own log-probability (temperature 1, no bias) of every generated
    /// token, for perplexity. Costs a log-sum-exp over the vocabulary per token.
    public var measureLogLikelihood: Bool = false

    public init(prompt: String, system: String? = nil, rawPrompt: Bool = false, maxTokens: Int = 200,
                stopStrings: [String] = [], sampling: SamplingParameters = .default, delta: Double = 2.0) {
        self.prompt = prompt
        self.system = system
        self.rawPrompt = rawPrompt
        self.maxTokens = maxTokens
        self.stopStrings = stopStrings
        self.sampling = sampling
        self.delta = delta
    }
}
