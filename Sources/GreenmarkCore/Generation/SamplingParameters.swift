/// How the next token is drawn from the (watermark-biased) distribution.
public struct SamplingParameters: Sendable, Codable, Equatable {
    /// Softmax temperature; 0 means greedy (argmax of the biased logits).
    public var temperature: Double
    /// Keep only the k most likely tokens after biasing; 0 disables.
    public var topK: Int
    /// Keep the smallest set of tokens whose probability reaches p; 1 disables.
    public var topP: Double
    /// Seed of the random number generator; nil draws one from the system.
    public var seed: UInt64?

    /// Plain multinomial sampling: temperature 1, no top-k, no nucleus cut.
    public static let `default` = SamplingParameters(temperature: 1.0, topK: 0, topP: 1.0, seed: nil)

    public init(temperature: Double, topK: Int, topP: Double, seed: UInt64?) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case temperature
        case topK = "top_k"
        case topP = "top_p"
        case seed
    }
}
