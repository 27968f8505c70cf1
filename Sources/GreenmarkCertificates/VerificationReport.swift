/// The outcome of verifying a certificate: a status and every check made, each with a stable code
/// (after c2pa-rs's validation status codes). Checks that could not run because an earlier one
/// failed are not listed.
public struct VerificationReport: Codable, Sendable {
    public enum Status: String, Codable, Sendable {
        case valid, invalid
    }

    /// One check.
    public struct Check: Codable, Sendable, Equatable {
        /// A `VerificationCode`'s string, or a `log.*` code of `LogInclusionCheck` when the report
        /// also carries the transparency-log checks; the JSON has the string.
        public let code: String
        public let passed: Bool
        public let detail: String

        public init(code: String, passed: Bool, detail: String) {
            self.code = code
            self.passed = passed
            self.detail = detail
        }

        /// A certificate or trust check.
        public init(_ code: VerificationCode, passed: Bool, detail: String) {
            self.init(code: code.rawValue, passed: passed, detail: detail)
        }

        /// The code as a `VerificationCode`; nil for a `log.*` check.
        public var verificationCode: VerificationCode? { VerificationCode(rawValue: code) }
    }

    public let status: Status
    public let checks: [Check]
    /// Present only once the signature has been verified.
    public let kind: CertificateKind?
    public let statement: Statement?

    public init(status: Status, checks: [Check], kind: CertificateKind?, statement: Statement?) {
        self.status = status
        self.checks = checks
        self.kind = kind
        self.statement = statement
    }

    /// Codes of the failed checks.
    public var failures: [String] { checks.filter { !$0.passed }.map(\.code) }
}

/// Collects checks while verifying.
struct CheckList {
    private(set) var checks: [VerificationReport.Check] = []

    mutating func pass(_ code: VerificationCode, _ detail: String) { checks.append(.init(code, passed: true, detail: detail)) }
    mutating func fail(_ code: VerificationCode, _ detail: String) { checks.append(.init(code, passed: false, detail: detail)) }

    var failed: Bool { checks.contains { !$0.passed } }

    func report(kind: CertificateKind? = nil, statement: Statement? = nil) -> VerificationReport {
        VerificationReport(status: failed ? .invalid : .valid, checks: checks, kind: failed ? nil : kind, statement: failed ? nil : statement)
    }
}
