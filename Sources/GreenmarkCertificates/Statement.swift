import Foundation
import GreenmarkCore

/// The signed content of a certificate: an in-toto Statement v1 whose subject is the canonical
/// text's SHA-256 and whose predicate is a detection attestation or a generation receipt. Numbers
/// that are not integers are carried as fixed-format decimal strings, never as JSON floats.
public struct Statement: Codable, Sendable, Equatable {
    public static let statementType = "https://in-toto.io/Statement/v1"

    /// A digest of the certified text.
    public struct Subject: Codable, Sendable, Equatable {
        public let name: String
        public let digest: [String: String]
    }

    public let type: String
    public let subject: [Subject]
    public let predicateType: String
    public let predicate: Predicate

    enum CodingKeys: String, CodingKey {
        case type = "_type"
        case subject, predicateType, predicate
    }

    public init(textSHA256: String, predicate: Predicate) {
        type = Self.statementType
        subject = [Subject(name: "text", digest: ["sha256": textSHA256])]
        predicateType = predicate.kind.predicateType
        self.predicate = predicate
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        subject = try c.decode([Subject].self, forKey: .subject)
        predicateType = try c.decode(String.self, forKey: .predicateType)
        guard let kind = CertificateKind(predicateType: predicateType) else {
            throw DecodingError.dataCorruptedError(forKey: .predicateType, in: c, debugDescription: "unknown predicate type")
        }
        switch kind {
        case .detectionAttestation: predicate = .detection(try c.decode(DetectionPredicate.self, forKey: .predicate))
        case .generationReceipt: predicate = .generation(try c.decode(GenerationPredicate.self, forKey: .predicate))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(subject, forKey: .subject)
        try c.encode(predicateType, forKey: .predicateType)
        switch predicate {
        case .detection(let p): try c.encode(p, forKey: .predicate)
        case .generation(let p): try c.encode(p, forKey: .predicate)
        }
    }

    /// The SHA-256 subject digest, if present.
    public var textSHA256: String? { subject.first { $0.name == "text" }?.digest["sha256"] }
}

/// The two kinds of certificate.
public enum CertificateKind: String, Codable, Sendable {
    case detectionAttestation = "detection_attestation"
    case generationReceipt = "generation_receipt"

    public var predicateType: String {
        switch self {
        case .detectionAttestation: "https://greenmark.dev/attestation/detection/v1"
        case .generationReceipt: "https://greenmark.dev/attestation/generation/v1"
        }
    }

    public init?(predicateType: String) {
        switch predicateType {
        case Self.detectionAttestation.predicateType: self = .detectionAttestation
        case Self.generationReceipt.predicateType: self = .generationReceipt
        default: return nil
        }
    }
}

/// The predicate of a statement.
public enum Predicate: Sendable, Equatable {
    case detection(DetectionPredicate)
    case generation(GenerationPredicate)

    public var kind: CertificateKind {
        switch self {
        case .detection: .detectionAttestation
        case .generation: .generationReceipt
        }
    }

    /// Fields every predicate has.
    public var common: CommonFields {
        switch self {
        case .detection(let p): p.common
        case .generation(let p): p.common
        }
    }
}

/// The scheme as signed content: gamma as a decimal string plus its exact integer threshold.
/// gumbel-v1 has no green list: its gamma is `"0"` and its threshold 0, members kept so that
/// verifiers written before gumbel-v1 still read trusted roots that list gumbel-v1 keys.
public struct SignedScheme: Codable, Sendable, Equatable {
    public let prf: String
    public let gamma: String
    public let gammaThreshold: UInt32
    public let h: Int

    /// Whether this is the gumbel-v1 scheme, whose attestations carry `score` (`DetectionPredicate.Statistic`).
    public var isGumbel: Bool { prf == WatermarkScheme.PRF.gumbelV1.rawValue }

    /// The signed form of `s` (gumbel-v1: gamma `"0"`, threshold 0).
    public init(_ s: WatermarkScheme) {
        prf = s.prf.rawValue
        let green = s.prf != .gumbelV1
        gamma = green ? Decimal(s.gamma).description : "0"
        gammaThreshold = green ? s.greenThreshold : 0
        h = s.contextWidth
    }

    enum CodingKeys: String, CodingKey {
        case prf, gamma, h
        case gammaThreshold = "gamma_threshold"
    }
}

/// Fields shared by both predicates.
public struct CommonFields: Codable, Sendable, Equatable {
    public let certificateID: String
    public let issuedAt: String
    public let issuerKeyID: String
    public let watermarkKeyID: String?
    /// SHA-256 commitment to the watermark key (`docs/key-disclosure.md`); absent in certificates
    /// issued before commitments existed.
    public let watermarkKeyCommitment: String?
    public let scheme: SignedScheme?
    public let textCanonicalization: String

    enum CodingKeys: String, CodingKey {
        case certificateID = "certificate_id"
        case issuedAt = "issued_at"
        case issuerKeyID = "issuer_key_id"
        case watermarkKeyID = "watermark_key_id"
        case watermarkKeyCommitment = "watermark_key_commitment"
        case scheme
        case textCanonicalization = "text_canonicalization"
    }
}

/// "This service generated this exact text with watermark key K, model M, at time T."
public struct GenerationPredicate: Codable, Sendable, Equatable {
    public struct ModelInfo: Codable, Sendable, Equatable {
        public let name: String
        public let sha256: String

        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    public struct Sampling: Codable, Sendable, Equatable {
        public let temperature: String
        public let topK: Int
        public let topP: String
        public let seed: String?

        public init(temperature: String, topK: Int, topP: String, seed: String?) {
            self.temperature = temperature
            self.topK = topK
            self.topP = topP
            self.seed = seed
        }

        enum CodingKeys: String, CodingKey {
            case temperature, seed
            case topK = "top_k"
            case topP = "top_p"
        }
    }

    public let common: CommonFields
    public let model: ModelInfo
    public let promptSHA256: String
    public let tokens: Int
    public let delta: String
    public let sampling: Sampling
    public let finishReason: String
    public let generatedAt: String

    enum CodingKeys: String, CodingKey {
        case model, tokens, delta, sampling
        case promptSHA256 = "prompt_sha256"
        case finishReason = "finish_reason"
        case generatedAt = "generated_at"
    }

    public init(
        common: CommonFields, model: ModelInfo, promptSHA256: String, tokens: Int, delta: Double,
        sampling: Sampling, finishReason: String, generatedAt: String
    ) {
        self.common = common
        self.model = model
        self.promptSHA256 = promptSHA256
        self.tokens = tokens
        self.delta = String(format: "%.4f", delta)
        self.sampling = sampling
        self.finishReason = finishReason
        self.generatedAt = generatedAt
    }

    public init(from decoder: any Decoder) throws {
        common = try CommonFields(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(ModelInfo.self, forKey: .model)
        promptSHA256 = try c.decode(String.self, forKey: .promptSHA256)
        tokens = try c.decode(Int.self, forKey: .tokens)
        delta = try c.decode(String.self, forKey: .delta)
        sampling = try c.decode(Sampling.self, forKey: .sampling)
        finishReason = try c.decode(String.self, forKey: .finishReason)
        generatedAt = try c.decode(String.self, forKey: .generatedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        try common.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(promptSHA256, forKey: .promptSHA256)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(delta, forKey: .delta)
        try c.encode(sampling, forKey: .sampling)
        try c.encode(finishReason, forKey: .finishReason)
        try c.encode(generatedAt, forKey: .generatedAt)
    }
}
