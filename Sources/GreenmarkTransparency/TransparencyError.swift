import GreenmarkCrypto

/// Errors of the transparency log, with stable codes.
public struct TransparencyError: CodedError {
    /// Stable machine-readable codes; equality of errors is equality of codes.
    public enum Code: String, CaseIterable, Sendable {
        /// A proof was asked for sizes or indices outside the tree.
        case proofRange = "tlog.proof_range"
        /// A checkpoint note does not parse.
        case checkpointMalformed = "tlog.checkpoint_malformed"
        /// A checkpoint signature does not verify.
        case checkpointSignature = "tlog.checkpoint_signature"
        /// The log key file cannot be created or read.
        case logKeyUnusable = "tlog.log_key_unusable"
        /// The log key file is missing and this daemon may not create one (key sync on: it comes from the shared registry).
        case logKeyMissing = "tlog.log_key_missing"
        /// A tree or checkpoint is not a proven extension of a checkpoint the log signed before (a
        /// consistency proof fails, or it is smaller): the log was rewritten; nothing more is signed.
        case inconsistent = "tlog.inconsistent"
        /// Two checkpoints signed by the log's key have one tree size and different roots (a split view).
        case equivocation = "tlog.equivocation"
        /// A checkpoint the log signed before does not verify with the log's key now (the key was replaced).
        case logKeyMismatch = "tlog.log_key_mismatch"
        /// The record of the last checkpoint the daemon signed (`HOME/log-checkpoint.txt`) cannot be read or written.
        case checkpointRecordUnusable = "tlog.checkpoint_record_unusable"

        /// Relayed unchanged from the log key's master key, sealed file and lock: `CryptoError.relayedCodes`
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
