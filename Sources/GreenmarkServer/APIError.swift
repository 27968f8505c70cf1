import Foundation
import Hummingbird

/// An HTTP error with a stable code, rendered as `{"error": {"code": ..., "message": ...}}`.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    /// Written for the caller: `PublicErrorMiddleware` removes server paths from it.
    public var message: String
    /// Seconds a client should wait before retrying (sent as Retry-After).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The JSON body of every error response.
    struct Body: Encodable {
        struct Inner: Encodable { let code: String; let message: String }
        let error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(Body(error: .init(code: code, message: message)))
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let unauthorized = APIError(.unauthorized, code: "auth.missing_token", "send Authorization: Bearer <token>")
    static let invalidToken = APIError(.unauthorized, code: "auth.invalid_token", "the token is unknown, expired or revoked")
}
