import GreenmarkCrypto

/// An error from Greenmark's core, with a stable code that tests, the CLI and the HTTP API share.
///
/// Equality is equality of codes, as in swift-certificates' `CertificateError`, so tests compare
/// codes rather than messages.
public struct GreenmarkError: CodedError {
    /// Stable machine-readable codes.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The text to score is empty (or only whitespace).
        public static let emptyText = Code(rawValue: "input.empty_text")
        /// The input bytes are not valid UTF-8.
        public static let invalidUTF8 = Code(rawValue: "input.invalid_utf8")
        /// The input file could not be read.
        public static let unreadableInput = Code(rawValue: "input.unreadable")
        /// No keyring exists in the Greenmark home.
        public static let keyringMissing = Code(rawValue: "keyring.missing")
        /// A keyring exists already where one was to be created.
        public static let keyringExists = Code(rawValue: "keyring.exists")
        /// The keyring file cannot be parsed or violates an invariant.
        public static let keyringCorrupt = Code(rawValue: "keyring.corrupt")
        /// The keyring file or its directory is readable by other users.
        public static let keyringPermissions = Code(rawValue: "keyring.insecure_permissions")
        /// The keyring could not be written.
        public static let keyringWriteFailed = Code(rawValue: "keyring.write_failed")
        /// No key has the given id.
        public static let keyNotFound = Code(rawValue: "key.not_found")
        /// The keyring has no primary key.
        public static let noPrimaryKey = Code(rawValue: "key.no_primary")
        /// The requested key state change is not allowed.
        public static let invalidKeyTransition = Code(rawValue: "key.invalid_transition")
        /// The key exists but its state does not allow this use.
        public static let keyNotUsable = Code(rawValue: "key.not_usable")
        /// Watermark scheme parameters are out of range.
        public static let invalidScheme = Code(rawValue: "scheme.invalid")
        /// The tokenizer failed on the input.
        public static let tokenizerFailure = Code(rawValue: "tokenizer.failure")
        /// The model file was not found.
        public static let modelNotFound = Code(rawValue: "model.not_found")
        /// The model file is not a GGUF file.
        public static let modelInvalid = Code(rawValue: "model.invalid")
        /// The tokenizer's vocabulary is not the one the watermark key was made for.
        public static let vocabularyMismatch = Code(rawValue: "model.vocabulary_mismatch")
        /// llama.cpp could not load the model.
        public static let modelLoadFailed = Code(rawValue: "model.load_failed")
        /// A generation request is out of range.
        public static let generationInvalid = Code(rawValue: "generation.invalid_request")
        /// A crypto primitive failed.
        public static let cryptoFailure = Code(rawValue: "crypto.failure")
        /// A sealed secret file needs a master key and none is configured (`docs/secrets-at-rest.md`).
        public static let masterKeyRequired = Code(rawValue: CryptoError.Code.masterKeyRequired.rawValue)
        /// The configured master key did not seal the file.
        public static let wrongMasterKey = Code(rawValue: CryptoError.Code.wrongMasterKey.rawValue)
        /// The master-key configuration is unusable.
        public static let masterKeyInvalid = Code(rawValue: CryptoError.Code.masterKeyInvalid.rawValue)
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
