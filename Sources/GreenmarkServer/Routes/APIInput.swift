import Foundation
import Hummingbird

/// Reading request bodies: JSON bodies decoded with a 400 that says what is wrong, the 4 MiB
/// body limit (413 `input.too_large`) and the scoring limit on texts (413 `input.text_too_long`).
enum APIInput {
    /// Longest text accepted for scoring, in Unicode scalars (about 100 pages).
    static let maximumTextLength = 500_000

    /// Decodes a JSON body, mapping failures to a 400 with a specific message.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: GreenmarkRequestContext) async throws -> T {
        let bytes = try await collect(request, context)
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: .invalidJSON, "the request body does not match the schema: \(describe(error))")
        } catch {
            throw APIError(.badRequest, code: .invalidJSON, "the request body is not valid JSON")
        }
    }

    /// The request body's bytes (at most the context's upload size; more is 413 `input.too_large`).
    static func collect(_ request: Request, _ context: GreenmarkRequestContext) async throws -> [UInt8] {
        do {
            return Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        } catch {
            throw APIError(.contentTooLarge, code: .tooLarge, "the request body is larger than 4 MiB")
        }
    }

    /// Refuses a text over `maximumTextLength`.
    static func checkLength(_ text: String) throws {
        guard text.unicodeScalars.count <= maximumTextLength else {
            throw APIError(.contentTooLarge, code: .textTooLong, "texts are limited to \(maximumTextLength) characters")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing field \(key.stringValue)"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted(let c): c.debugDescription
        @unknown default: "invalid body"
        }
    }
}
