import Foundation
import GreenmarkTransparency

/// Verifies provenance bundles (`BundleDocument`) offline by composing the certificate checks:
/// the bundle's shape (`bundle.*`), the trust chain from the verifier's pin through the bundle's
/// trusted roots (`TrustAnchor`, `trust.*`), the certificate and its text (`CertificateVerifier`)
/// and, when the verifier pins a log key, the inclusion proof (`LogInclusionCheck`, `log.*`).
/// The order is `docs/certificate-format.md`, "Provenance bundles".
///
/// The pin and the log key are the verifier's own; nothing in a bundle is trusted by itself.
/// A verifier built with `init(pinned:…)` reuses its trust chain for every bundle whose trusted
/// roots are the same files (a batch from one issuer builds it once).
public struct BundleVerifier: Sendable {
    /// The verifier's pinned trust file (root key or trusted root).
    public let pinned: [UInt8]
    /// Trusted roots the verifier supplies besides the bundle's (`--trust-update`).
    public let updates: [[UInt8]]
    public let minimumVersion: Int?
    /// The log's key (the JSON of `/v1/log/key`); when set, a bundle must hold an inclusion proof.
    public let logKey: [UInt8]?
    private let cache: AnchorCache

    public init(pinned: [UInt8], updates: [[UInt8]] = [], minimumVersion: Int? = nil, logKey: [UInt8]? = nil) {
        self.pinned = pinned
        self.updates = updates
        self.minimumVersion = minimumVersion
        self.logKey = logKey
        cache = AnchorCache()
    }

    /// Verifies a bundle file as of `at`. `text`, when given, is the text to check instead of the
    /// bundle's (needed for a bundle that holds only the digest).
    public func verify(bundle bytes: [UInt8], text: [UInt8]? = nil, at: Date = Date()) -> VerificationReport {
        let at = Timestamp.wholeSeconds(at)
        let bundle: BundleDocument
        switch BundleDocument.read(bytes) {
        case .failure(let failure):
            let check = VerificationReport.Check(failure.code, passed: false, detail: failure.detail)
            return VerificationReport(status: .invalid, checks: [check], kind: nil, statement: nil)
        case .success(let b):
            bundle = b
        }
        var checks: [VerificationReport.Check] = [.init(.bundleValid, passed: true, detail: Self.describe(bundle))]
        func stop(_ more: [VerificationReport.Check]) -> VerificationReport {
            VerificationReport(status: .invalid, checks: checks + more, kind: nil, statement: nil)
        }

        let loaded = cache.loaded(key: bundle.trustedRoots, at: at) {
            TrustAnchor.load(pinned: pinned, updates: updates + bundle.trustedRoots, minimumVersion: minimumVersion, at: at)
        }
        checks += loaded.checks
        guard let anchor = loaded.anchor else { return stop([]) }
        let verifier = CertificateVerifier(anchor: anchor)

        var report: VerificationReport
        switch bundle.text {
        case .text(let embedded):
            report = verifier.verify(certificate: bundle.certificate, text: text ?? Array(embedded.utf8), at: at)
        case .digest(let digest):
            report = verifier.verify(certificate: bundle.certificate, text: nil, at: at)
            guard report.status == .valid, let subject = report.statement?.textSHA256 else { return stop(report.checks) }
            guard subject == digest else {
                return stop(
                    report.checks + [
                        .init(
                            .textDigestMismatch, passed: false,
                            detail: "the bundle's text_sha256 is \(digest), the certificate names \(subject)")
                    ])
            }
            guard let text else {
                return stop(
                    report.checks + [
                        .init(
                            .bundleTextMissing, passed: false,
                            detail: "the bundle holds only the text's digest \(digest): pass the text to check it")
                    ])
            }
            report = verifier.verify(certificate: bundle.certificate, text: text, at: at)
        }
        checks += report.checks
        guard report.status == .valid else { return stop([]) }

        if let logKey {
            guard let proof = bundle.logProof else {
                return stop([.init(.bundleLogMissing, passed: false, detail: "the bundle holds no transparency-log inclusion proof")])
            }
            let log = LogInclusionCheck.verify(certificate: bundle.certificate, evidence: proof, key: logKey)
                .map { VerificationReport.Check(code: $0.code, passed: $0.passed, detail: $0.detail) }
            checks += log
            guard log.allSatisfy(\.passed) else { return stop([]) }
        }
        return VerificationReport(status: .valid, checks: checks, kind: report.kind, statement: report.statement)
    }

    static func describe(_ bundle: BundleDocument) -> String {
        let text: String
        switch bundle.text {
        case .text(let t): text = "the text (\(t.utf8.count) bytes)"
        case .digest: text = "the text's digest only"
        }
        return "a v1 bundle with \(text), \(bundle.trustedRoots.count) trusted root(s)" + (bundle.logProof == nil ? "" : " and a log inclusion proof")
    }

    /// The last trust chain built, kept while bundles carry the same trusted roots and are verified
    /// as of the same time (a batch). `TrustAnchor.load` is pure, so a kept result equals a new one.
    final class AnchorCache: @unchecked Sendable {
        private let lock = NSLock()
        private var last: (roots: [[UInt8]], at: Date, loaded: TrustAnchor.Loaded)?

        func loaded(key roots: [[UInt8]], at: Date, _ build: () -> TrustAnchor.Loaded) -> TrustAnchor.Loaded {
            if let hit = lock.withLock({ last.flatMap { $0.roots == roots && $0.at == at ? $0.loaded : nil } }) { return hit }
            let loaded = build()
            lock.withLock { last = (roots, at, loaded) }
            return loaded
        }
    }
}
