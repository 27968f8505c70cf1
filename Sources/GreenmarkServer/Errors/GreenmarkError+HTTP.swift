import GreenmarkCore
import Hummingbird

extension GreenmarkError: HTTPCodedError {
    /// Bad input 400, an unknown key 404, an unusable key 422, a key state change that is not
    /// allowed 409; a missing keyring or primary key and secrets the master key cannot open 503.
    public var apiError: APIError {
        let status: HTTPResponse.Status =
            switch code {
            case .invalidKeyTransition: .conflict
            case .emptyText, .invalidUTF8, .unreadableInput, .invalidScheme: .badRequest
            case .keyNotFound: .notFound
            case .keyNotUsable, .vocabularyMismatch: .unprocessableContent
            case .keyringMissing, .noPrimaryKey: .serviceUnavailable
            // The master key is missing, wrong or unusable, or a sealed file was changed.
            case _ where SecretsStatus.isUnsealingFailure(code.rawValue): .serviceUnavailable
            default: .internalServerError
            }
        return APIError(status, relaying: code.rawValue, reason)
    }
}
