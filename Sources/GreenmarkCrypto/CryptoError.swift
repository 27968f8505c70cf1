/// An error from the crypto façade, with a stable code.
public struct CryptoError: CodedError {
    /// Stable machine-readable codes; equality of errors is equality of codes.
    public enum Code: String, CaseIterable, Sendable {
        /// OpenSSL reported a failure inside a primitive.
        case openSSLFailure = "crypto.openssl_failure"
        /// The CSPRNG could not produce bytes.
        case randomUnavailable = "crypto.random_unavailable"
        /// A file could not be read for hashing.
        case unreadableFile = "crypto.unreadable_file"
        /// A key has the wrong size or encoding.
        case invalidKey = "crypto.invalid_key"
        /// A base64url string was malformed.
        case invalidBase64 = "crypto.invalid_base64"
        /// A hexadecimal string was malformed.
        case invalidHex = "crypto.invalid_hex"
        /// An AES-GCM tag did not verify: the ciphertext, nonce, tag or associated data was
        /// changed, or the key is another one. No plaintext is returned.
        case authenticationFailed = "crypto.authentication_failed"

        /// A sealed secret file exists but no master key is configured (`GREENMARK_MASTER_KEY_FILE`
        /// or `GREENMARK_MASTER_KEY`).
        case masterKeyRequired = "secrets.master_key_required"
        /// The configured master key is not the one that sealed the file (its key id differs).
        case wrongMasterKey = "secrets.wrong_master_key"
        /// The master-key configuration is unusable: malformed, not 32 bytes, unreadable, or both
        /// variables set.
        case masterKeyInvalid = "secrets.master_key_invalid"
        /// The master-key file is readable or writable by group or others.
        case masterKeyPermissions = "secrets.master_key_insecure_permissions"
        /// A sealed file is malformed (not a valid `greenmark-sealed-v1` envelope).
        case sealedFileCorrupt = "secrets.sealed_file_corrupt"
        /// A sealed file was sealed for another purpose (e.g. a keyring where signing keys belong).
        case sealedPurposeMismatch = "secrets.purpose_mismatch"
        /// A secret file is plaintext although a master key is configured: refused, never loaded
        /// or re-sealed (only `greenmark keys seal` takes a plaintext file in).
        case plaintextRefused = "secrets.plaintext_refused"
    }

    /// The codes a secret-file store (keyring, signing keys, log key) passes on unchanged under its
    /// own error type (`CodedError.init(relaying:else:_:)`): what the master key, `SealedFile` and
    /// AES-GCM throw. Each of those error types has a case for every one.
    public static let relayedCodes: [Code] = [
        .openSSLFailure, .randomUnavailable, .invalidKey, .authenticationFailed, .masterKeyRequired, .wrongMasterKey,
        .masterKeyInvalid, .masterKeyPermissions, .sealedFileCorrupt, .sealedPurposeMismatch, .plaintextRefused,
    ]

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) { (self.code, self.reason) = (code, reason) }
}
