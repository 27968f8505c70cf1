import GreenmarkCrypto

/// An error from Greenmark's core, with a stable code that tests, the CLI and the HTTP API share.
///
/// Equality is equality of codes, as in swift-certificates' `CertificateError`, so tests compare
/// codes rather than messages.
public struct GreenmarkError: CodedError {
    /// Stable machine-readable codes.
    public enum Code: String, CaseIterable, Sendable, CustomStringConvertible {
        /// The text to score is empty (or only whitespace).
        case emptyText = "input.empty_text"
        /// The input bytes are not valid UTF-8.
        case invalidUTF8 = "input.invalid_utf8"
        /// The input file could not be read.
        case unreadableInput = "input.unreadable"
        /// No keyring exists in the Greenmark home.
        case keyringMissing = "keyring.missing"
        /// A keyring exists already where one was to be created.
        case keyringExists = "keyring.exists"
        /// The keyring file cannot be parsed or violates an invariant.
        case keyringCorrupt = "keyring.corrupt"
        /// The keyring file or its directory is readable by other users.
        case keyringPermissions = "keyring.insecure_permissions"
        /// The keyring could not be written.
        case keyringWriteFailed = "keyring.write_failed"
        /// No key has the given id.
        case keyNotFound = "key.not_found"
        /// The keyring has no primary key.
        case noPrimaryKey = "key.no_primary"
        /// The requested key state change is not allowed.
        case invalidKeyTransition = "key.invalid_transition"
        /// The key exists but its state does not allow this use.
        case keyNotUsable = "key.not_usable"
        /// Watermark scheme parameters are out of range.
        case invalidScheme = "scheme.invalid"
        /// Detector settings under which no valid p-value exists (repeated PRF inputs counted) or out of range.
        case invalidDetectorConfiguration = "detection.invalid_configuration"
        /// The tokenizer failed on the input.
        case tokenizerFailure = "tokenizer.failure"
        /// The model file was not found.
        case modelNotFound = "model.not_found"
        /// The model file is not a GGUF file.
        case modelInvalid = "model.invalid"
        /// The tokenizer's vocabulary is not the one the watermark key was made for.
        case vocabularyMismatch = "model.vocabulary_mismatch"
        /// llama.cpp could not load the model.
        case modelLoadFailed = "model.load_failed"
        /// The model's chat template does not pass message content through unchanged, so the
        /// content cannot be kept apart from the template's markup.
        case templateUnsupported = "model.template_unsupported"
        /// A generation request is out of range.
        case generationInvalid = "generation.invalid_request"
        /// More stop strings than `StopStrings.maximumCount`.
        case tooManyStopStrings = "generation.too_many_stops"
        /// A stop string longer than `StopStrings.maximumLength` Unicode scalars.
        case stopStringTooLong = "generation.stop_too_long"
        /// A chat message's role is not one of `ChatRoles.allowed`.
        case invalidRole = "generation.invalid_role"
        /// The model has no chat template (a base model): it continues a plain prompt, and a
        /// conversation or a system message cannot be sent to it.
        case chatUnsupported = "generation.chat_unsupported"
        /// A crypto primitive failed.
        case cryptoFailure = "crypto.failure"

        /// Relayed unchanged from the keyring's master key, sealed file and lock: `CryptoError.relayedCodes`
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

        public var description: String { rawValue }
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) { (self.code, self.reason) = (code, reason) }
}
