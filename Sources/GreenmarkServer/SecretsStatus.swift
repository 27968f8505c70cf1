/// Which error codes mean the home's sealed secret files cannot be opened by this daemon's
/// master key (`docs/secrets-at-rest.md`): a configuration problem, reported as 503 and by
/// `/readyz`, and a reason to refuse to start.
enum SecretsStatus {
    /// True for the `secrets.*` codes (missing, wrong or unusable master key, a malformed or
    /// misplaced sealed file) and for a sealed file that fails authentication.
    static func isUnsealingFailure(_ code: String) -> Bool {
        code.hasPrefix("secrets.") || code == "crypto.authentication_failed"
    }
}
