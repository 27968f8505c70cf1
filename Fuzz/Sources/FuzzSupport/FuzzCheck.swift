import GreenmarkCertificates

/// Property checks inside fuzz targets: a broken property stops the fuzzer with `fatalError`,
/// which libFuzzer reports as a crash and saves the input.
public enum FuzzCheck {
    /// Stops the fuzzer when `condition` is false.
    public static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        if !condition() { fatalError("fuzz property violated: \(message())") }
    }

    /// The invariants of every verification report: `valid` exactly when no check failed and at
    /// least the signature check passed; kind and statement only on valid reports.
    public static func reportIsConsistent(_ report: VerificationReport, textGiven: Bool) {
        let failed = !report.failures.isEmpty
        require(!report.checks.isEmpty, "a report without checks")
        require((report.status == .invalid) == failed, "status \(report.status) with failures \(report.failures)")
        if report.status == .valid {
            let passed = Set(report.checks.filter(\.passed).map(\.code))
            require(passed.contains("signature.valid"), "valid without signature.valid: \(passed)")
            require(passed.contains("statement.valid"), "valid without statement.valid: \(passed)")
            require(!textGiven || passed.contains("text.digest.match"), "valid with a text but no text.digest.match: \(passed)")
            require(report.statement != nil && report.kind != nil, "valid without statement or kind")
        } else {
            require(report.statement == nil && report.kind == nil, "invalid report carries a statement")
        }
    }
}
