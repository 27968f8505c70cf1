import GreenmarkCrypto

/// Errors of the transparency log, with stable codes.
public struct TransparencyError: CodedError {
    public enum Code: String, Sendable {
        case proofRange = "tlog.proof_range"
        case checkpointMalformed = "tlog.checkpoint_malformed"
        case checkpointSignature = "tlog.checkpoint_signature"
        case logKeyUnusable = "tlog.log_key_unusable"
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
