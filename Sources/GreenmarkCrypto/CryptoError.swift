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
        /// An AES-GCM tag did not verify: the ciphertext, nonce, tag or associated data was
        /// changed, or the key is another one. No plaintext is returned.
        public static let authenticationFailed = Code(rawValue: "crypto.authentication_failed")

        /// A sealed secret file exists but no master key is configured (`GREENMARK_MASTER_KEY_FILE`
        /// or `GREENMARK_MASTER_KEY`).
        public static let masterKeyRequired = Code(rawValue: "secrets.master_key_required")
        /// The configured master key is not the one that sealed the file (its key id differs).
        public static let wrongMasterKey = Code(rawValue: "secrets.wrong_master_key")
        /// The master-key configuration is unusable: malformed, not 32 bytes, unreadable, or both
        /// variables set.
        public static let masterKeyInvalid = Code(rawValue: "secrets.master_key_invalid")
        /// The master-key file is readable or writable by group or others.
        public static let masterKeyPermissions = Code(rawValue: "secrets.master_key_insecure_permissions")
        /// A sealed file is malformed (not a valid `greenmark-sealed-v1` envelope).
        public static let sealedFileCorrupt = Code(rawValue: "secrets.sealed_file_corrupt")
        /// A sealed file was sealed for another purpose (e.g. a keyring where signing keys belong).
        public static let sealedPurposeMismatch = Code(rawValue: "secrets.purpose_mismatch")
        /// A secret file is plaintext although a master key is configured: refused, never loaded
        /// or re-sealed (only `greenmark keys seal` takes a plaintext file in).
        public static let plaintextRefused = Code(rawValue: "secrets.plaintext_refused")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
