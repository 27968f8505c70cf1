import GreenmarkCrypto

/// An error while issuing certificates or managing signing keys, with a stable code.
public struct CertificateError: CodedError {
    /// Stable machine-readable codes; equality of errors is equality of codes.
    public enum Code: String, CaseIterable, Sendable {
        /// No signing keys exist yet in the home (`greenmark trust init`).
        case signingKeysMissing = "signing.missing"
        /// Signing keys exist already.
        case signingKeysExist = "signing.exists"
        /// The signing-key file is malformed or readable by others.
        case signingKeysCorrupt = "signing.corrupt"
        /// No active issuing key.
        case noActiveIssuer = "signing.no_active_issuer"
        /// The key to revoke or rotate is unknown.
        case unknownKey = "signing.unknown_key"
        /// A trust file could not be read or parsed.
        case trustUnreadable = "trust.unreadable"
        /// Writing a file failed.
        case writeFailed = "signing.write_failed"
        /// The text has a code point not assigned in Unicode 14.0, so it has no canonical form
        /// (`greenmark-text-v1`) and cannot be certified.
        case textUnassigned = "text.unassigned"
        /// A crypto primitive failed.
        case cryptoFailure = "signing.crypto_failure"
        /// A watermarked generation's receipt was to be signed without the key's commitment.
        case keyCommitmentMissing = "signing.key_commitment_missing"

        /// Relayed unchanged from the signing keys' master key, sealed file and lock: `CryptoError.relayedCodes`
        /// and `FileError.relayedCodes` (the meanings are theirs; `docs/secrets-at-rest.md`).
        case masterKeyRequired = "secrets.master_key_required"
        case wrongMasterKey = "secrets.wrong_master_key"
        case masterKeyInvalid = "secrets.master_key_invalid"
        case masterKeyPermissions = "secrets.master_key_insecure_permissions"
        case sealedFileCorrupt = "secrets.sealed_file_corrupt"
        case sealedPurposeMismatch = "secrets.purpose_mismatch"
        case plaintextRefused = "secrets.plaintext_refused"
        case authenticationFailed = "crypto.authentication_failed"
        case openSSLFailure = "crypto.openssl_failure"
        case randomUnavailable = "crypto.random_unavailable"
        case invalidKey = "crypto.invalid_key"
        case fileExists = "file.exists"
        case lockFailed = "file.lock_failed"
        case lockAlreadyHeld = "file.lock_already_held"
        case lockNotHeld = "file.lock_not_held"
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) { (self.code, self.reason) = (code, reason) }
}
