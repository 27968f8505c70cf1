import Foundation
import GreenmarkCore

extension CertificateIssuer {
    /// The signed receipt for a generation record: this service generated exactly this text,
    /// committing to the watermark key that generated it. A watermarked record (one with a key id)
    /// needs the key's commitment (`GenerationResult.keyCommitment`): without it, signing fails
    /// (`signing.key_commitment_missing`) rather than issue a receipt that silently lacks the field.
    public func receipt(for r: GenerationRecord, keyCommitment: String?, at date: Date = Date()) throws(CertificateError) -> SignedCertificate {
        if let keyID = r.keyID, keyCommitment == nil {
            throw CertificateError(.keyCommitmentMissing, "no commitment for watermark key \(keyID): the receipt is not signed")
        }
        return try receipt(
            text: r.text, keyID: r.keyID, scheme: r.scheme, model: .init(name: r.model.name, sha256: r.model.sha256),
            promptSHA256: r.promptSHA256, tokens: r.tokens, delta: r.delta,
            sampling: .init(
                temperature: String(format: "%.4f", r.sampling.temperature), topK: r.sampling.topK,
                topP: String(format: "%.4f", r.sampling.topP), seed: r.sampling.seed.map(String.init)),
            finishReason: r.finishReason.rawValue, generatedAt: r.createdAt, keyCommitment: keyCommitment, at: date)
    }
}
