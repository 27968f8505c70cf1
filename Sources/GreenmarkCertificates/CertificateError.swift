import GreenmarkCrypto

/// An error while issuing certificates or managing signing keys, with a stable code.
public struct CertificateError: CodedError {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// No signing keys exist yet in the home (`greenmark trust init`).
        public static let signingKeysMissing = Code(rawValue: "signing.missing")
        /// Signing keys exist already.
        public static let signingKeysExist = Code(rawValue: "signing.exists")
        /// The signing-key file is malformed or readable by others.
        public static let signingKeysCorrupt = Code(rawValue: "signing.corrupt")
        /// No active issuing key.
        public static let noActiveIssuer = Code(rawValue: "signing.no_active_issuer")
        /// The key to revoke or rotate is unknown.
        public static let unknownKey = Code(rawValue: "signing.unknown_key")
        /// A trust file could not be read or parsed.
        public static let trustUnreadable = Code(rawValue: "trust.unreadable")
        /// Writing a file failed.
        public static let writeFailed = Code(rawValue: "signing.write_failed")
        /// The text has a code point not assigned in Unicode 14.0, so it has no canonical form
        /// (`greenmark-text-v1`) and cannot be certified.
        public static let textUnassigned = Code(rawValue: "text.unassigned")
        /// A crypto primitive failed.
        public static let cryptoFailure = Code(rawValue: "signing.crypto_failure")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
