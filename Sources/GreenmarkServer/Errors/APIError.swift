import Foundation
import Hummingbird

/// An HTTP error with a stable code, rendered as `{"error": {"code": ..., "message": ...}}`.
///
/// The API's own refusals carry an `APIError.Code`; domain errors (`GreenmarkError`,
/// `CertificateError`, `StorageError`, `TransparencyError`, `KeySyncError`) render themselves
/// (`HTTPCodedError`) and become an `APIError` with their own code only on the way out.
public struct APIError: HTTPCodedError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    /// Written for the caller: `PublicErrorMiddleware` removes server paths from it.
    public var message: String
    /// Seconds a client should wait before retrying (sent as Retry-After).
    public var retryAfter: Int?

    /// A refusal of the API itself, with one of its codes.
    public init(_ status: HTTPResponse.Status, code: Code, _ message: String) {
        self.init(status, relaying: code.rawValue, message)
    }

    /// An answer carrying a code of another layer unchanged (a domain error's, a trust check's).
    init(_ status: HTTPResponse.Status, relaying code: String, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// Itself: an `APIError` is already the answer.
    public var apiError: APIError { self }

    /// The JSON body of every error response.
    struct Body: Encodable {
        struct Inner: Encodable {
            let code: String
            let message: String
        }
        let error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(Body(error: .init(code: code, message: message)))
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let unauthorized = APIError(.unauthorized, code: .missingToken, "send Authorization: Bearer <token>")
    static let invalidToken = APIError(.unauthorized, code: .invalidToken, "the token is unknown, expired or revoked")
}
