import Foundation
import GreenmarkCore
import GreenmarkCrypto

/// Signs detection attestations and generation receipts with the active issuing key.
public struct CertificateIssuer: Sendable {
    public let key: Ed25519PrivateKey
    public let keyID: String
    public let endorsement: Endorsement

    public init(key: Ed25519PrivateKey, endorsement: Endorsement) {
        self.key = key
        self.keyID = SigningKeyID.issuer(key.publicKey)
        self.endorsement = endorsement
    }

    /// A signed detection attestation for `text` and its detection result.
    public func attestDetection(
        text: String, result: DetectionResult, vocabulary: String, keyCommitment: String? = nil,
        at date: Date = Date()
    ) throws(CertificateError) -> SignedCertificate {
        let predicate = DetectionPredicate(
            common: try common(at: date, watermarkKey: result.keyID, commitment: keyCommitment, scheme: result.scheme),
            tokenizer: .init(name: result.tokenizer, vocabulary: vocabulary), result: result
        )
        return try sign(Statement(textSHA256: try Self.digest(of: text), predicate: .detection(predicate)))
    }

    /// A signed receipt for a generation: this service generated this exact text.
    public func receipt(
        text: String, keyID: String?, scheme: WatermarkScheme?, model: GenerationPredicate.ModelInfo,
        promptSHA256: String, tokens: Int, delta: Double, sampling: GenerationPredicate.Sampling,
        finishReason: String, generatedAt: Date, keyCommitment: String? = nil, at date: Date = Date()
    ) throws(CertificateError) -> SignedCertificate {
        let predicate = GenerationPredicate(
            common: try common(at: date, watermarkKey: keyID, commitment: keyCommitment, scheme: scheme), model: model, promptSHA256: promptSHA256,
            tokens: tokens, delta: delta, sampling: sampling, finishReason: finishReason, generatedAt: Timestamp.format(generatedAt)
        )
        return try sign(Statement(textSHA256: try Self.digest(of: text), predicate: .generation(predicate)))
    }

    /// The canonical digest of `text`; text with a code point unassigned in Unicode 14.0 has none.
    static func digest(of text: String) throws(CertificateError) -> String {
        if let scalar = CanonicalText.firstUnassigned(in: text) {
            throw CertificateError(
                .textUnassigned,
                "the text contains U+\(String(scalar.value, radix: 16, uppercase: true)), a code point not assigned in Unicode \(CanonicalText.unicodeVersion): it has no canonical form, so it cannot be certified; remove or replace it"
            )
        }
        return CanonicalText.sha256(of: text)
    }

    private func common(at date: Date, watermarkKey: String?, commitment: String?, scheme: WatermarkScheme?) throws(CertificateError) -> CommonFields
    {
        let id: [UInt8]
        do { id = try SecureRandom.bytes(count: 16) } catch { throw CertificateError(.cryptoFailure, error.description) }
        return CommonFields(
            certificateID: "gmc-" + Hex.encode(id), issuedAt: Timestamp.format(date), issuerKeyID: keyID,
            watermarkKeyID: watermarkKey, watermarkKeyCommitment: commitment, scheme: scheme.map(SignedScheme.init),
            textCanonicalization: CanonicalText.version)
    }

    private func sign(_ statement: Statement) throws(CertificateError) -> SignedCertificate {
        // Written directly, byte for byte what `JWS.canonicalEncoder` writes (`CanonicalJSONTests`).
        let bytes: [UInt8]
        if let direct = statement.canonicalJSON() {
            bytes = direct
        } else {
            do { bytes = Array(try JWS.canonicalEncoder.encode(statement)) } catch {
                throw CertificateError(.cryptoFailure, "cannot encode the statement")
            }
        }
        let (payload, sig) = try JWS.sign(payload: bytes, key: key, kid: keyID, typ: SignedCertificate.type)
        return SignedCertificate(
            payload: payload, protected: sig.protected, signature: sig.signature,
            header: .init(endorsement: endorsement))
    }
}
