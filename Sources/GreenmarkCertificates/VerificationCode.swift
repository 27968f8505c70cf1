/// The stable code of one check a verifier reports (`VerificationReport.Check`), in the order the
/// stages run (`docs/certificate-format.md`, "Verification"). These strings are a public contract:
/// `certs/verify.html`, the Python reference (`python/`), the conformance suite and the docs use
/// exactly these (`CodeCatalogTests`). A report can also carry the transparency log's `log.*`
/// checks (`LogInclusionCheck`, `greenmark verify --log-proof`), which are not certificate checks.
public enum VerificationCode: String, CaseIterable, Sendable {
    /// The provenance bundle is a v1 bundle of the exact shape (`BundleDocument`; only bundles report it).
    case bundleValid = "bundle.valid"
    /// The bundle file is over 80 MiB.
    case bundleTooLarge = "bundle.too_large"
    /// The bundle's `media_type` names another bundle format or version.
    case bundleMediaTypeUnsupported = "bundle.media_type_unsupported"
    /// The bundle file breaks the JSON profile or the exact shape, or repeats a name.
    case bundleInvalid = "bundle.invalid"

    /// The trusted root chains from the pin and is fresh.
    case trustValid = "trust.valid"
    /// A trust file (root key or trusted root) is not readable or not well-formed.
    case trustUnreadable = "trust.unreadable"
    /// A root key alone, or no trusted root given lists and is signed by the pinned root key.
    case trustIncomplete = "trust.incomplete"
    /// Two different trusted roots claim the same version.
    case trustConflict = "trust.conflict"
    /// The pinned trusted root is not signed by a threshold of its own root keys.
    case trustSignatureInvalid = "trust.signature.invalid"
    /// A newer version lacks a threshold of signatures from the previous version's or its own root keys.
    case trustThresholdNotMet = "trust.threshold_not_met"
    /// A version is missing between the pin and the newest version given.
    case trustVersionGap = "trust.version_gap"
    /// The newest version is older than one the verifier has seen before (`--min-trust-version`).
    case trustRollback = "trust.rollback"
    /// The newest trusted root has expired or states no expiry.
    case trustStale = "trust.stale"

    /// The certificate file is one flattened JWS of the exact shape.
    case formatValid = "format.valid"
    /// The certificate file is over 256 KiB.
    case formatTooLarge = "format.too_large"
    /// The certificate file breaks the JSON profile or the exact shape, or repeats a name.
    case formatInvalid = "format.invalid"

    /// The protected header is EdDSA with a kid and the certificate type.
    case headerValid = "header.valid"
    /// The protected header is not base64url JSON, repeats a name, or has members other than alg, kid and typ.
    case headerInvalid = "header.invalid"
    /// `alg` is absent or not `EdDSA`.
    case headerAlgorithmUnsupported = "header.algorithm_unsupported"
    /// `crit` or `b64` is present.
    case headerCriticalUnsupported = "header.critical_unsupported"
    /// `typ` is not the certificate type.
    case headerTypeMismatch = "header.type_mismatch"

    /// The issuing key is listed in the trusted root (whatever its status).
    case keyTrusted = "key.trusted"
    /// The issuing key is not listed in the trusted root.
    case keyUnknown = "key.unknown"

    /// The Ed25519 signature verifies under the listed issuing key.
    case signatureValid = "signature.valid"
    /// The signature is malformed or does not verify.
    case signatureInvalid = "signature.invalid"

    /// The signed payload is a well-formed, consistent Greenmark statement.
    case statementValid = "statement.valid"
    /// The signed payload is not a Greenmark statement.
    case statementInvalid = "statement.invalid"
    /// The statement names another issuer than the key that signed it.
    case keyIDMismatch = "key.id_mismatch"
    /// A detection attestation's numbers do not follow from each other and the decision rule.
    case statementInconsistent = "statement.inconsistent"

    /// `issued_at` lies more than 300 s after the verification time.
    case timeFuture = "time.future"
    /// `issued_at` is inside the key's window and before any compromise.
    case keyValid = "key.valid"
    /// `issued_at` is before the key's window opens.
    case keyNotYetValid = "key.not_yet_valid"
    /// `issued_at` is after the key's window closed.
    case keyExpired = "key.expired"
    /// The key is revoked for all time or compromised since a time at or before `issued_at`.
    case keyRevoked = "key.revoked"

    /// The text's canonical SHA-256 equals the subject digest.
    case textDigestMatch = "text.digest.match"
    /// The text's canonical SHA-256 differs from the subject digest.
    case textDigestMismatch = "text.digest.mismatch"
    /// The text is not valid UTF-8.
    case textEncodingInvalid = "text.encoding_invalid"
    /// The text has a code point not assigned in Unicode 14.0, so it has no canonical form.
    case textUnassigned = "text.unassigned"
    /// The text is over 64 MiB.
    case textTooLarge = "text.too_large"

    /// The bundle holds only the text's digest and no text was given to check.
    case bundleTextMissing = "bundle.text_missing"
    /// The verifier asked for transparency-log inclusion (a log key) and the bundle holds no inclusion proof.
    case bundleLogMissing = "bundle.log_missing"
}
