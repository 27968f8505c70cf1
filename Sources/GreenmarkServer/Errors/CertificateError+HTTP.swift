import GreenmarkCertificates
import Hummingbird

extension CertificateError: HTTPCodedError {
    /// An unknown issuing key 404; no signing keys, no active issuer, an unreadable trust file
    /// or secrets the master key cannot open 503; anything else 500.
    public var apiError: APIError {
        let status: HTTPResponse.Status =
            switch code {
            case .unknownKey: .notFound
            case .signingKeysMissing, .noActiveIssuer, .trustUnreadable: .serviceUnavailable
            case _ where SecretsStatus.isUnsealingFailure(code.rawValue): .serviceUnavailable
            default: .internalServerError
            }
        return APIError(status, relaying: code.rawValue, reason)
    }
}
