import Foundation

/// Everything a generation receipt states: which model, which key and scheme, which prompt
/// (by digest), the exact output and when. Unsigned until the certificate layer signs it.
///
/// A plain value here in Core so that the generator (GreenmarkModel) writes it and the issuer
/// (GreenmarkCertificates, `CertificateIssuer.receipt(for:keyCommitment:)`) signs it without
/// either module depending on the other.
public struct GenerationRecord: Codable, Sendable, Equatable {
    /// Why generation ended.
    public enum FinishReason: String, Codable, Sendable {
        /// The token limit was reached.
        case length
        /// The model produced an end-of-generation token.
        case endOfGeneration = "end_of_generation"
        /// A stop string appeared.
        case stop
        /// The caller cancelled.
        case cancelled
    }

    /// The model, by file name and SHA-256 of the GGUF file.
    public struct Model: Codable, Sendable, Equatable {
        public let name: String
        public let sha256: String

        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    public let model: Model
    /// The watermark key, or nil for an unwatermarked generation.
    public let keyID: String?
    public let scheme: WatermarkScheme?
    public let delta: Double
    public let sampling: SamplingParameters
    /// SHA-256 (hex) of the prompt's token ids as fed to the model, each 4 bytes big-endian
    /// (`Prompt.sha256`): the chat template's special tokens and the messages as plain text.
    public let promptSHA256: String
    public let text: String
    /// Tokens generated (before any stop-string truncation).
    public let tokens: Int
    public let finishReason: FinishReason
    public let createdAt: Date

    public init(
        model: Model, keyID: String?, scheme: WatermarkScheme?, delta: Double, sampling: SamplingParameters,
        promptSHA256: String, text: String, tokens: Int, finishReason: FinishReason, createdAt: Date
    ) {
        self.model = model
        self.keyID = keyID
        self.scheme = scheme
        self.delta = delta
        self.sampling = sampling
        self.promptSHA256 = promptSHA256
        self.text = text
        self.tokens = tokens
        self.finishReason = finishReason
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case model
        case keyID = "key_id"
        case scheme, delta, sampling
        case promptSHA256 = "prompt_sha256"
        case text, tokens
        case finishReason = "finish_reason"
        case createdAt = "created_at"
    }
}
