import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkKeys
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Gemma 3 270M (installed by `scripts/bootstrap.sh`), loaded once; nil when it is not installed.
private let gemma: LlamaModel? = ModelLocator.gemma().map { try! LlamaModel(path: $0, threads: 1) }

/// `GET /v1/model` and `GET /v1/models` on both real models, and a base model (Gemma 3 270M, no
/// chat template) behind the generation routes: a prompt is continued and watermarked, a chat or a
/// system message is 400 `generation.chat_unsupported`. Runs where Gemma is installed, and always
/// in CI (where a missing model fails).
@Suite(
    "greenmarkd model routes: which model, chat or continuation (SmolLM2 and Gemma 3 270M, live server)", .serialized,
    .enabled(
        if: ModelLocator.gemma() != nil || ProcessInfo.processInfo.environment["CI"] != nil,
        "Gemma 3 270M is not installed (scripts/bootstrap.sh installs it; or set GREENMARK_MODEL_GEMMA)"))
struct ModelRouteTests {
    static let smol: LlamaModel = try! LlamaModel(path: ModelLocator.resolve())

    func requireGemma() throws -> LlamaModel {
        try #require(gemma, "Gemma 3 270M is not installed: run scripts/bootstrap.sh or set \(ModelLocator.gemmaEnvironmentVariable)")
    }

    /// A home whose keys are bound to `keyVocabulary`, a daemon with `model` (nil: detection only, on `tokenizer`).
    func setup(model: LlamaModel?, tokenizer: LlamaTokenizer, keyVocabulary: String) throws -> ServerTests.Setup {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-models-\(UUID().uuidString)").path
        let ring = try KeyringStore(directory: home).initialize(scheme: .leftHash, vocabulary: keyVocabulary)
        try SigningKeyStore(directory: home).initialize(watermarkKeys: ring.keys)
        let registry = try Registry(path: home + "/registry.sqlite")
        let reader = try registry.createToken(role: .verify).token
        let issuer = try registry.createToken(role: .stamp).token
        let services = GreenmarkServices(home: home, tokenizer: tokenizer, registry: registry, model: model)
        return ServerTests.Setup(services: services, reader: reader, issuer: issuer, home: home)
    }

    func json(_ object: [String: Any]) -> ByteBuffer { ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object)) }
    func parse(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }
    func auth(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    @Test("GET /v1/model and /v1/models say chat for SmolLM2 and continuation for Gemma, with name, vocabulary and SHA-256; any token, not none")
    func reportsPromptFormat() async throws {
        let cases: [(LlamaModel, Bool, String, Int, String)] = [
            (Self.smol, true, "chat", 49_152, ModelLocator.defaultModelSHA256),
            (try requireGemma(), false, "continuation", 262_144, ModelLocator.gemmaModelSHA256),
        ]
        for (model, chat, format, vocabularySize, sha256) in cases {
            let s = try setup(model: model, tokenizer: model.tokenizer, keyVocabulary: model.tokenizer.vocabularyID)
            defer { try? FileManager.default.removeItem(atPath: s.home) }
            try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
                try await client.execute(uri: "/v1/model", method: .get) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: "/v1/model", method: .get, headers: auth(s.reader)) { r in
                    #expect(r.status == .ok)
                    let body = parse(r.body)
                    #expect(body["name"] as? String == model.name)
                    #expect(body["supports_chat"] as? Bool == chat, "\(model.name)")
                    #expect(body["prompt_format"] as? String == format)
                    #expect(body["generation"] as? Bool == true)
                    #expect(body["vocabulary_size"] as? Int == vocabularySize)
                    #expect(body["vocabulary_id"] as? String == model.tokenizer.vocabularyID)
                    #expect(body["sha256"] as? String == sha256)
                    #expect(body["context_length"] as? Int == model.trainedContextLength)
                }
                try await client.execute(uri: "/v1/models", method: .get, headers: auth(s.reader)) { r in
                    #expect(r.status == .ok)
                    let body = parse(r.body)
                    #expect(body["object"] as? String == "list")
                    let data = body["data"] as? [[String: Any]] ?? []
                    #expect(data.count == 1)
                    #expect(data.first?["id"] as? String == model.name && data.first?["object"] as? String == "model")
                    #expect(data.first?["owned_by"] as? String == "greenmark" && (data.first?["created"] as? Int ?? 0) > 0)
                    #expect(data.first?["supports_chat"] as? Bool == chat && data.first?["prompt_format"] as? String == format)
                }
            }
        }
    }

    @Test("a daemon that only detects: generation false, supports_chat false, prompt_format and sha256 null, no model listed")
    func detectionOnly() async throws {
        let gemma = try requireGemma()
        let s = try setup(model: nil, tokenizer: gemma.tokenizer, keyVocabulary: gemma.tokenizer.vocabularyID)
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            try await client.execute(uri: "/v1/model", method: .get, headers: auth(s.reader)) { r in
                let body = parse(r.body)
                #expect(r.status == .ok && body["generation"] as? Bool == false && body["supports_chat"] as? Bool == false)
                #expect(body["prompt_format"] is NSNull && body["sha256"] is NSNull && body["vocabulary_size"] as? Int == 262_144)
                #expect(body["name"] as? String == ModelLocator.gemmaModelFile)
            }
            try await client.execute(uri: "/v1/models", method: .get, headers: auth(s.reader)) { r in
                #expect(r.status == .ok && (parse(r.body)["data"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test(
        "Gemma behind greenmarkd: a chat (JSON or stream) or a system message is 400 generation.chat_unsupported; a prompt is continued, receipted and detected"
    )
    func baseModelGeneration() async throws {
        let gemma = try requireGemma()
        let s = try setup(model: gemma, tokenizer: gemma.tokenizer, keyVocabulary: gemma.tokenizer.vocabularyID)
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            let refused: [(String, [String: Any])] = [
                ("/v1/chat/completions", ["messages": [["role": "user", "content": "Hi."]]]),
                ("/v1/chat/completions", ["messages": [["role": "user", "content": "Hi."]], "stream": true]),
                ("/v1/generate", ["prompt": "Hi.", "system": "Be brief."]),
            ]
            for (uri, body) in refused {
                try await client.execute(uri: uri, method: .post, headers: auth(s.issuer), body: json(body)) { r in
                    let error = ErrorBody(r.body)
                    #expect(r.status == .badRequest && error.code == "generation.chat_unsupported", "\(uri) \(body): \(r.status)")
                    #expect(error.message?.contains("no chat template") == true, "\(error.message ?? "")")
                }
            }
            // Through URLSession with a long timeout: 120 Gemma tokens take about 6 s on an idle machine
            // and more than the test client's fixed 20 s read timeout on a loaded one.
            let port = try #require(client.port)
            let (status, body) = try await HTTP.request(
                "POST", "http://127.0.0.1:\(port)/v1/generate", token: s.issuer,
                json: ["prompt": "The history of the bicycle begins", "max_tokens": 120, "seed": 5], timeout: 600)
            #expect(status == 200, "\(body)")
            let text = body["text"] as? String ?? ""
            let id = try #require(body["receipt_id"] as? String)
            #expect(try s.services.registry.certificate(id: id)?.kind == "generation_receipt")
            try await client.execute(uri: "/v1/detect", method: .post, headers: auth(s.reader), body: json(["text": text])) { r in
                #expect(r.status == .ok)
                #expect(parse(r.body)["watermarked"] as? Bool == true, "\(String(buffer: r.body))")
            }
        }
    }

    @Test("a keyring made for SmolLM2 behind a Gemma daemon: generation is 422 model.vocabulary_mismatch, detection too")
    func smolKeyOnGemma() async throws {
        let gemma = try requireGemma()
        let s = try setup(model: gemma, tokenizer: gemma.tokenizer, keyVocabulary: Self.smol.tokenizer.vocabularyID)
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            try await client.execute(
                uri: "/v1/generate", method: .post, headers: auth(s.issuer), body: json(["prompt": "The river", "max_tokens": 4])
            ) { r in
                #expect(r.status == .unprocessableContent && ErrorBody(r.body).code == "model.vocabulary_mismatch", "\(String(buffer: r.body))")
            }
            let text = "A river runs through the valley and the town grew up along its banks over many years of trade."
            try await client.execute(uri: "/v1/detect", method: .post, headers: auth(s.reader), body: json(["text": text])) { r in
                #expect(r.status == .unprocessableContent && ErrorBody(r.body).code == "model.vocabulary_mismatch", "\(String(buffer: r.body))")
            }
        }
    }
}
