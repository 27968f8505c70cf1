/// An error from the crypto façade, with a stable code.
public struct CryptoError: CodedError {
    /// Stable machine-readable codes; equality of errors is equality of codes.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// OpenSSL reported a failure inside a primitive.
        public static let openSSLFailure = Code(rawValue: "crypto.openssl_failure")
        /// The CSPRNG could not produce bytes.
        public static let randomUnavailable = Code(rawValue: "crypto.random_unavailable")
        /// A file could not be read for hashing.
        public static let unreadableFile = Code(rawValue: "crypto.unreadable_file")
        /// A key has the wrong size or encoding.
        public static let invalidKey = Code(rawValue: "crypto.invalid_key")
        /// A base64url string was malformed.
        public static let invalidBase64 = Code(rawValue: "crypto.invalid_base64")
        /// A hexadecimal string was malformed.
        public static let invalidHex = Code(rawValue: "crypto.invalid_hex")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
