/// Why a bundle file could not be read: the failing check.
public struct BundleReadFailure: Error, Sendable, Equatable {
    public let code: VerificationCode
    public let detail: String

    init(_ code: VerificationCode, _ detail: String) {
        self.code = code
        self.detail = detail
    }
}
