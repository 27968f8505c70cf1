import GreenmarkDocuments
import Hummingbird

extension DocumentError: HTTPCodedError {
    /// A document the daemon will not read: 415 for a format it does not read, 413 over a limit,
    /// 422 for a document it cannot read (damaged, encrypted, without text, unsafe XML or archive
    /// paths, or extraction killed at its time limit), 503 when `pdftotext` is not installed.
    public var apiError: APIError {
        let status: HTTPResponse.Status =
            switch code {
            case .unsupportedFormat: .unsupportedMediaType
            case .tooLarge: .contentTooLarge
            case .extractorUnavailable: .serviceUnavailable
            case .extractionFailed, .encrypted, .noText, .invalidEncoding, .unsafeXML, .unsafeArchive, .extractionTimeout:
                .unprocessableContent
            }
        return APIError(status, relaying: code.rawValue, reason)
    }
}
