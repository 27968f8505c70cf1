import GreenmarkCertificates
import Foundation

extension CertificateError.Code {
    /// A watermarked generation's receipt was to be signed without the key's commitment.
    public static let keyCommitmentMissing = Self(rawValue: "signing.key_commitment_missing")
}

extension CertificateIssuer {
    /// The signed receipt for a generation: this service generated exactly this text, committing
    /// to the watermark key that generated it.
    public func receipt(for result: GenerationResult, at date: Date = Date()) throws(CertificateError) -> SignedCertificate {
        try receipt(for: result.record, keyCommitment: result.keyCommitment, at: date)
    }

    /// The signed receipt for a generation record. A watermarked record (one with a key id)
    /// needs the key's commitment: without it, signing fails (`signing.key_commitment_missing`)
    /// rather than issue a receipt that silently lacks the field.
    public func receipt(for r: GenerationRecord, keyCommitment: String?, at date: Date = Date()) throws(CertificateError) -> SignedCertificate {
        if let keyID = r.keyID, keyCommitment == nil {
            throw CertificateError(.keyCommitmentMissing, "no commitment for watermark key \(keyID): the receipt is not signed")
        }
        return try receipt(
            text: r.text, keyID: r.keyID, scheme: r.scheme, model: .init(name: r.model.name, sha256: r.model.sha256),
            promptSHA256: r.promptSHA256, tokens: r.tokens, delta: r.delta,
            sampling: .init(temperature: String(format: "%.4f", r.sampling.temperature), topK: r.sampling.topK,
                            topP: String(format: "%.4f", r.sampling.topP), seed: r.sampling.seed.map(String.init)),
            finishReason: r.finishReason.rawValue, generatedAt: r.createdAt, keyCommitment: keyCommitment, at: date)
    }
}
