import Foundation
import GreenmarkCore

/// A finished generation: the record to sign, plus measurements.
public struct GenerationResult: Sendable {
    public let record: GenerationRecord
    /// The watermark key's commitment (nil without a watermark), taken from the key that
    /// watermarked: what the receipt commits to (`CertificateIssuer.receipt(for:)`).
    public let keyCommitment: String?
    /// Generated tokens that were green when drawn (the generator's own count; detection
    /// re-tokenizes the text and may split it differently).
    public let greenTokensDrawn: Int
    /// PRF evaluations over the whole generation.
    public let prfEvaluations: Int
    /// Prompt tokens fed to the model.
    public let promptTokens: Int
    /// Wall-clock seconds for the whole generation, prompt included.
    public let seconds: Double
    /// Seconds spent in Swift sampling (bias, PRF, softmax, draw), excluding llama.cpp.
    public let samplingSeconds: Double
    /// Seconds spent in llama.cpp decoding generated tokens (the prompt excluded).
    public let decodeSeconds: Double
    /// Sum of ln p(token) under the unbiased model at temperature 1, when requested.
    public let logLikelihood: Double?

    /// exp(-logLikelihood / tokens): the model's perplexity on its own output, when measured.
    public var perplexity: Double? {
        guard let logLikelihood, record.tokens > 0 else { return nil }
        return exp(-logLikelihood / Double(record.tokens))
    }
}

/// What a streaming generation yields.
public enum GenerationEvent: Sendable {
    /// New output text (complete UTF-8 characters, never part of a stop string).
    case text(String)
    /// The generation ended; carries the result.
    case finished(GenerationResult)
}
