import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto

/// The certificate rows of `greenmark bench`, measured beside the raw Ed25519 rows of the same run.
extension Bench {
    /// Issuing a detection attestation for the bench essay (canonical text digest, statement JSON,
    /// signature), and verifying it fully with its text: with the trust anchor built once and reused
    /// (what batch verification and the daemon do: one signature check per certificate), and with the
    /// pinned root key and trusted root loaded for every certificate (what one `greenmark verify` does).
    /// Every verification must come out valid; the attested numbers are consistent, as the verifier demands.
    /// Each row carries its ratio to the raw Ed25519 row (`sign`, `verify`) measured just before it.
    func certificateRows(issuingKey key: Ed25519PrivateKey, sign: BenchRow, verify: BenchRow) throws -> [BenchRow] {
        let (root, _) = try Ed25519PrivateKey.generate()
        let endorsement = try Endorsement.sign(issuer: key.publicKey, notBefore: Date(timeIntervalSinceNow: -60), notAfter: nil, root: root)
        let issuer = CertificateIssuer(key: key, endorsement: endorsement)
        let text = BenchText.essay
        let wk = try WatermarkKey.generate(scheme: .leftHash, state: .primary)
        let (scored, green) = (400, 180)
        let gamma = WatermarkScheme.leftHash.gamma
        let tail = BinomialTail.upper(successes: green, trials: scored, probability: gamma)
        let result = DetectionResult(
            zScore: ZScore.of(green: green, scored: scored, gamma: gamma), pValue: tail.probability,
            log10PValue: tail.log10Probability, tokensScored: scored, greenTokens: green, tokensTotal: scored + 1,
            verdict: .watermarked, moreTokensNeeded: nil, keyID: wk.id, scheme: .leftHash, zThreshold: 4,
            pThreshold: 3.17e-5, minimumScoredTokens: 50, normalized: false, tokenizer: "bench", mask: nil)
        var rows: [BenchRow] = []
        rows.append(
            ratio(
                measure("certificate_issue", unit: "certificates/s") { n in
                    var sink = 0
                    for _ in 0..<n { sink &+= (try! issuer.attestDetection(text: text, result: result, vocabulary: "vocab-bench")).signature.count }
                    return sink
                }, to: sign))
        let certificate = try issuer.attestDetection(text: text, result: result, vocabulary: "vocab-bench").fileBytes()
        let body = TrustedRoot.Body(
            version: 1, issuedAt: Timestamp.format(Date()), expires: Timestamp.format(Date() + 86_400), threshold: 1,
            rootKeys: [.init(keyID: SigningKeyID.root(root.publicKey), publicKey: Base64URL.encode(root.publicKey.rawRepresentation))],
            issuingKeys: [
                .init(
                    keyID: issuer.keyID, publicKey: Base64URL.encode(key.publicKey.rawRepresentation),
                    notBefore: Timestamp.format(Date(timeIntervalSinceNow: -60)), notAfter: nil, status: .active, compromisedSince: nil)
            ],
            watermarkKeys: [])
        let encoder = JSONEncoder()
        let pin = Array(try encoder.encode(RootKeyFile(root.publicKey)))
        let trustedRoot = Array(try encoder.encode(TrustedRoot.sign(body, with: [root])))
        guard let anchor = TrustAnchor.load(pinned: pin, updates: [trustedRoot]).anchor else { throw ValidationError("bench trust does not load") }
        let verifier = CertificateVerifier(anchor: anchor)
        let textBytes = Array(text.utf8)
        let report = verifier.verify(certificate: certificate, text: textBytes)
        guard report.status == .valid, report.checks.contains(where: { $0.code == VerificationCode.textDigestMatch.rawValue }) else {
            throw ValidationError("the bench certificate does not verify: \(report.failures)")
        }
        rows.append(
            ratio(
                measure("certificate_verify", unit: "certificates/s") { n in
                    var sink = 0
                    for _ in 0..<n where verifier.verify(certificate: certificate, text: textBytes).status == .valid { sink += 1 }
                    precondition(sink == n, "a bench certificate failed to verify")
                    return sink
                }, to: verify))
        rows.append(
            ratio(
                measure("certificate_verify_loading_trust", unit: "certificates/s") { n in
                    var sink = 0
                    for _ in 0..<n {
                        guard let anchor = TrustAnchor.load(pinned: pin, updates: [trustedRoot]).anchor else { continue }
                        if CertificateVerifier(anchor: anchor).verify(certificate: certificate, text: textBytes).status == .valid { sink += 1 }
                    }
                    precondition(sink == n, "a bench certificate failed to verify")
                    return sink
                }, to: verify))
        return rows
    }

    /// `row` with its rate as a multiple of `baseline`'s (same run), to two decimals, added to its detail.
    private func ratio(_ row: BenchRow, to baseline: BenchRow) -> BenchRow {
        BenchRow(name: row.name, unit: row.unit, rate: row.rate, detail: row.detail + " (\(f(row.rate / baseline.rate))× \(baseline.name))")
    }
}
