import GreenmarkCrypto

/// Errors of the transparency log, with stable codes.
public struct TransparencyError: CodedError {
    /// Stable machine-readable codes; equality of errors is equality of codes.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A proof was asked for sizes or indices outside the tree.
        public static let proofRange = Code(rawValue: "tlog.proof_range")
        /// A checkpoint note does not parse.
        public static let checkpointMalformed = Code(rawValue: "tlog.checkpoint_malformed")
        /// A checkpoint signature does not verify.
        public static let checkpointSignature = Code(rawValue: "tlog.checkpoint_signature")
        /// The log key file cannot be created or read.
        public static let logKeyUnusable = Code(rawValue: "tlog.log_key_unusable")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
