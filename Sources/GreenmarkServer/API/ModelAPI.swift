import Foundation
import GreenmarkModel
import Hummingbird

/// `docs/openapi.yaml`, schema `ModelStatus`: `GET /v1/model`, the model this daemon scores with
/// and, when it generates, generates with, and how that model reads a prompt.
struct ModelStatusResponse: ResponseEncodable {
    /// File name of the GGUF model.
    let name: String
    /// The tokenizer's vocabulary id (what watermark keys are bound to).
    let vocabularyID: String
    let vocabularySize: Int
    /// Whether this daemon generates (`POST /v1/generate`, `POST /v1/chat/completions`).
    let generation: Bool
    /// Whether the model takes a conversation (it has a chat template); false when not generating.
    let supportsChat: Bool
    /// `chat` or `continuation` (a base model continues the prompt as plain text); nil when not generating.
    let promptFormat: PromptFormat?
    /// SHA-256 of the GGUF file, as receipts name it; nil when not generating (the file is not hashed).
    let sha256: String?
    /// The model's trained context length; nil when not generating.
    let contextLength: Int?

    init(model: LlamaModel?, tokenizer: LlamaTokenizer) {
        name = model?.name ?? tokenizer.name
        vocabularyID = tokenizer.vocabularyID
        vocabularySize = tokenizer.vocabularySize
        generation = model != nil
        supportsChat = model?.supportsChat ?? false
        promptFormat = model?.promptFormat
        sha256 = model?.sha256
        contextLength = model?.trainedContextLength
    }

    enum CodingKeys: String, CodingKey {
        case name, generation, sha256
        case vocabularyID = "vocabulary_id"
        case vocabularySize = "vocabulary_size"
        case supportsChat = "supports_chat"
        case promptFormat = "prompt_format"
        case contextLength = "context_length"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(vocabularyID, forKey: .vocabularyID)
        try c.encode(vocabularySize, forKey: .vocabularySize)
        try c.encode(generation, forKey: .generation)
        try c.encode(supportsChat, forKey: .supportsChat)
        try c.encode(promptFormat, forKey: .promptFormat)  // null when not generating
        try c.encode(sha256, forKey: .sha256)
        try c.encode(contextLength, forKey: .contextLength)
    }
}

/// `docs/openapi.yaml`, schema `ModelList`: `GET /v1/models` as OpenAI's API lists models (`object`
/// "list", each entry `id`, `object` "model", `created`, `owned_by`), so an OpenAI SDK's
/// `models.list()` works; each entry also says whether the model takes a chat (`supports_chat`,
/// `prompt_format`). Empty when this daemon does not generate.
struct ModelListResponse: ResponseEncodable {
    struct Entry: Encodable {
        let id: String
        let object = "model"
        /// Seconds since 1970 of the model file's last modification (0 when unknown).
        let created: Int
        let ownedBy = "greenmark"
        let supportsChat: Bool
        let promptFormat: PromptFormat
        let vocabularySize: Int

        enum CodingKeys: String, CodingKey {
            case id, object, created
            case ownedBy = "owned_by"
            case supportsChat = "supports_chat"
            case promptFormat = "prompt_format"
            case vocabularySize = "vocabulary_size"
        }
    }

    let object = "list"
    let data: [Entry]

    init(model: LlamaModel?) {
        data =
            model.map { model in
                let modified = try? FileManager.default.attributesOfItem(atPath: model.path)[.modificationDate] as? Date
                return [
                    Entry(
                        id: model.name, created: Int(modified?.timeIntervalSince1970 ?? 0), supportsChat: model.supportsChat,
                        promptFormat: model.promptFormat, vocabularySize: model.tokenizer.vocabularySize)
                ]
            } ?? []
    }

    enum CodingKeys: String, CodingKey {
        case object, data
    }
}
