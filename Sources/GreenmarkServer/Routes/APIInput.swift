import Foundation
import Hummingbird

/// Reading request bodies: JSON bodies decoded with a 400 that says what is wrong, the 4 MiB
/// body limit (413 `input.too_large`; larger on the routes that take documents, `SubmittedText`)
/// and the scoring limit on texts (413 `input.text_too_long`).
enum APIInput {
    /// Longest text accepted for scoring, in Unicode scalars (about 100 pages).
    static let maximumTextLength = 500_000

    /// Decodes a JSON body (at most `limit` bytes; default the context's 4 MiB), mapping failures to a 400 with a specific message.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: GreenmarkRequestContext, limit: Int? = nil) async throws -> T {
        try decode(type, from: try await collect(request, context, limit: limit))
    }

    /// Decodes JSON `bytes`, mapping failures to a 400 with a specific message.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: .invalidJSON, "the request body does not match the schema: \(describe(error))")
        } catch {
            throw APIError(.badRequest, code: .invalidJSON, "the request body is not valid JSON")
        }
    }

    /// The request body's bytes (at most `limit`, by default the context's upload size; more is 413 `input.too_large`).
    static func collect(_ request: Request, _ context: GreenmarkRequestContext, limit: Int? = nil) async throws -> [UInt8] {
        let limit = limit ?? context.maxUploadSize
        do {
            return Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch {
            throw APIError(.contentTooLarge, code: .tooLarge, "the request body is larger than \(describeBytes(limit))")
        }
    }

    /// "4 MiB", "13.3 MiB".
    static func describeBytes(_ n: Int) -> String {
        n % (1 << 20) == 0 ? "\(n >> 20) MiB" : String(format: "%.1f MiB", Double(n) / Double(1 << 20))
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
