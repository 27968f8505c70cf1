import Foundation
import GreenmarkCertificates
import GreenmarkCore
import Hummingbird

/// `docs/openapi.yaml`, schema `GenerateRequest`: the body of `POST /v1/generate`.
struct GenerateRequest: Decodable {
    let prompt: String
    let system: String?
    let maxTokens: Int?
    let temperature: Double?
    let topP: Double?
    let topK: Int?
    let seed: UInt64?
    let stop: [String]?
    let stream: Bool?

    enum CodingKeys: String, CodingKey {
        case prompt, system, temperature, seed, stop, stream
        case maxTokens = "max_tokens"
        case topP = "top_p"
        case topK = "top_k"
    }
}

/// `docs/openapi.yaml`, schema `ChatCompletionRequest`: the OpenAI chat-completions request shape
/// (fields Greenmark does not use are ignored).
struct ChatCompletionRequest: Decodable {
    struct Message: Decodable {
        let role: String
        let content: String
    }

    let model: String?
    let messages: [Message]
    let maxTokens: Int?
    let maxCompletionTokens: Int?
    let temperature: Double?
    let topP: Double?
    let seed: UInt64?
    let stop: StopField?
    let stream: Bool?

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, seed, stop, stream
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case topP = "top_p"
    }

    /// OpenAI accepts a string or an array of strings.
    struct StopField: Decodable {
        let values: [String]
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let one = try? c.decode(String.self) { values = [one] } else { values = try c.decode([String].self) }
        }
    }
}

/// `docs/openapi.yaml`, schema `GenerationResponse`: the finished generation as the API returns it
/// (`ChatCompletion` is written as JSON by `GenerationRoutes.openAICompletion`).
struct GenerationResponse: ResponseEncodable {
    let text: String
    let tokens: Int
    let keyID: String?
    let model: GenerationRecord.Model
    let record: GenerationRecord
    let receipt: SignedCertificate?
    let receiptID: String?

    enum CodingKeys: String, CodingKey {
        case text, tokens, model, record, receipt
        case keyID = "key_id"
        case receiptID = "receipt_id"
    }
}
