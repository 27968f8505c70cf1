import Hummingbird

/// An error that knows its HTTP answer (Hummingbird's `HTTPResponseError`): a status, a stable
/// code and a message for the caller, as an `APIError`. Domain errors conform in the server
/// (`GreenmarkError+HTTP.swift`, …), so routes throw them as they come; `PublicErrorMiddleware`
/// scrubs the message of every one on the way out.
public protocol HTTPCodedError: HTTPResponseError {
    /// The answer: status, code, public message and `Retry-After`.
    var apiError: APIError { get }
}

extension HTTPCodedError {
    public var status: HTTPResponse.Status { apiError.status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try apiError.response(from: request, context: context)
    }
}
