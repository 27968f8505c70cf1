import GreenmarkStorage
import Hummingbird

extension StorageError: HTTPCodedError {
    /// 409 `storage.duplicate`, else 503 with the storage code, and `Retry-After: 5` when retrying
    /// can help (database unreachable, disk full, read failed). The message says only what failed
    /// and what to do (`PublicErrors.storageMessage`); the reason (database host, SQLite path,
    /// driver text) goes to the log only (`PublicErrorMiddleware`).
    public var apiError: APIError {
        let retry: Int? = [.openFailed, .writeFailed, .readFailed].contains(code) ? 5 : nil
        return APIError(
            code == .duplicate ? .conflict : .serviceUnavailable, relaying: code.rawValue,
            PublicErrors.storageMessage(self), retryAfter: retry)
    }
}
