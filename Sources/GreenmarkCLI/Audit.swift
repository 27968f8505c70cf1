import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkModel

/// `greenmark audit`: after a watermark key is disclosed, check a certificate's commitment to it
/// and recompute its detection independently. Exit 0 all checks pass, 1 a check failed.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a certificate against a disclosed watermark key and recompute its detection.",
        discussion:
            "Offline. Verifies the certificate first (as `greenmark verify`), then the key's id and commitment, then re-scores the text with the disclosed key. Exit status: 0 all checks pass, 1 a check failed, 2 usage error."
    )

    @Argument(help: ArgumentHelp("The certificate file.", valueName: "cert")) var certificate: String
    @Option(help: ArgumentHelp("The text the certificate is about.", valueName: "file")) var text: String
    @OptionGroup var trustOptions: TrustOptions
    @Option(name: .customLong("disclosed-key"), help: ArgumentHelp("The disclosed key (greenmark keys disclose).", valueName: "file"))
    var disclosedKey: String
    @OptionGroup var model: ModelOptions

    func validate() throws { try trustOptions.validate() }

    func run() throws {
        let certBytes = try Verify.read(certificate, limit: CertificateVerifier.maximumCertificateBytes + 1)
        let textBytes = try Verify.read(text, limit: CertificateVerifier.maximumTextBytes + 1)
        let loaded = try trustOptions.load()
        guard let anchor = loaded.anchor else {
            return try finish([
                (false, loaded.checks.last?.code ?? VerificationCode.trustUnreadable.rawValue, loaded.checks.last?.detail ?? "unusable trust file")
            ])
        }
        let report = CertificateVerifier(anchor: anchor).verify(certificate: certBytes, text: textBytes, at: trustOptions.time)
        guard report.status == .valid, let statement = report.statement else {
            return try finish([
                (false, report.failures.first ?? "certificate.invalid", "the certificate does not verify; run greenmark verify for details")
            ])
        }
        var checks: [(Bool, String, String)] = [(true, "certificate.valid", "signature, trust and text digest verified")]
        let file = try Verify.read(disclosedKey, limit: 1 << 16)
        guard let disclosure = try? JSONDecoder().decode(DisclosedKey.self, from: Data(file)), let key = try? disclosure.watermarkKey() else {
            return try finish(checks + [(false, "audit.key.invalid", "\(disclosedKey) is not a disclosed Greenmark key")])
        }
        let common = statement.predicate.common
        guard key.id == common.watermarkKeyID else {
            return try finish(
                checks + [(false, "audit.key.mismatch", "the disclosed key is \(key.id), the certificate names \(common.watermarkKeyID ?? "no key")")]
            )
        }
        checks.append((true, "audit.key.id", "the disclosed secret derives the certificate's key id \(key.id)"))
        guard let committed = common.watermarkKeyCommitment else {
            return try finish(
                checks + [(false, "audit.commitment.missing", "the certificate predates key commitments; the key id alone binds only 64 bits")])
        }
        guard ConstantTime.equals(Array(committed.utf8), Array((key.commitment ?? "").utf8)) else {
            return try finish(
                checks + [(false, "audit.commitment.mismatch", "SHA-256 of the disclosed key does not match the certificate's commitment")])
        }
        checks.append((true, "audit.commitment.match", "the certificate committed to this key (\(committed.prefix(16))…)"))
        guard case .detection(let d) = statement.predicate else {
            return try finish(checks)  // a receipt: the key binding is what can be audited
        }
        // The key id does not cover the scheme: a disclosure naming another one would re-score with another statistic.
        if let signed = common.scheme, signed.prf != key.scheme.prf.rawValue || signed.h != key.scheme.contextWidth {
            return try finish(
                checks + [
                    (
                        false, "audit.scheme.mismatch",
                        "the disclosed key's scheme is \(key.scheme), the certificate's is \(signed.prf) h=\(signed.h)"
                    )
                ])
        }
        let tokenizer = try model.tokenizer()
        guard tokenizer.vocabularyID == d.tokenizer.vocabulary else {
            return try finish(
                checks + [
                    (
                        false, "audit.tokenizer.mismatch",
                        "the certificate was scored with \(d.tokenizer.vocabulary); this model has \(tokenizer.vocabularyID)"
                    )
                ])
        }
        let textString = String(decoding: textBytes, as: UTF8.self)
        let result = try Detector(tokenizer: tokenizer).detect(textString, key: key, includeMask: false)
        checks.append(Self.recomputation(result, against: d))
        try finish(checks)
    }

    /// Whether the re-scored text gives the certificate's statistic: T and S (`%.4f`) for gumbel-v1,
    /// G, T and z (`%.4f`) for a green list.
    static func recomputation(_ result: DetectionResult, against d: DetectionPredicate) -> (Bool, String, String) {
        let same: Bool
        let detail: String
        switch d.statistic {
        case .gumbel(let score):
            let s = String(format: "%.4f", result.score ?? -1)
            same = result.scheme.prf == .gumbelV1 && result.tokensScored == d.tokensScored && s == score
            detail = "recomputed score \(s) over \(result.tokensScored) scored; the certificate says \(score) over \(d.tokensScored)"
        case .green(let green, let zScore, _):
            let z = String(format: "%.4f", result.zScore)
            same = result.scheme.prf != .gumbelV1 && result.greenTokens == green && result.tokensScored == d.tokensScored && z == zScore
            detail =
                "recomputed \(result.greenTokens) green of \(result.tokensScored) scored, z \(z); the certificate says \(green) of \(d.tokensScored), z \(zScore)"
        }
        return (same, same ? "audit.recompute.match" : "audit.recompute.mismatch", detail)
    }

    private func finish(_ checks: [(Bool, String, String)]) throws {
        let ok = checks.allSatisfy(\.0)
        print(ok ? "AUDIT PASSED" : "AUDIT FAILED")
        for (passed, code, detail) in checks { print("  \(passed ? "ok  " : "FAIL") \(code): \(detail)") }
        if !ok { throw ExitCode(1) }
    }
}
