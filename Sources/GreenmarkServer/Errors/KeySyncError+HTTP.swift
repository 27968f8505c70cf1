import Hummingbird

extension KeySyncError: HTTPCodedError {
    /// A concurrent change by another daemon 409 (a retry succeeds); any other sync failure 503.
    public var apiError: APIError {
        APIError(code == .conflict ? .conflict : .serviceUnavailable, relaying: code.rawValue, reason)
    }
}
