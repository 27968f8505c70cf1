import GreenmarkTransparency
import Hummingbird

extension TransparencyError: HTTPCodedError {
    /// A proof outside the tree 400; a log key that cannot be used 503.
    public var apiError: APIError {
        APIError(code == .proofRange ? .badRequest : .serviceUnavailable, relaying: code.rawValue, reason)
    }
}
