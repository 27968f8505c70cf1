import GreenmarkCertificates
import Foundation

extension CertificateIssuer {
    /// The signed receipt for a generation record: this service generated exactly this text.
    public func receipt(for r: GenerationRecord, keyCommitment: String? = nil, at date: Date = Date()) throws(CertificateError) -> SignedCertificate {
        try receipt(
            text: r.text, keyID: r.keyID, scheme: r.scheme, model: .init(name: r.model.name, sha256: r.model.sha256),
            promptSHA256: r.promptSHA256, tokens: r.tokens, delta: r.delta,
            sampling: .init(temperature: String(format: "%.4f", r.sampling.temperature), topK: r.sampling.topK,
                            topP: String(format: "%.4f", r.sampling.topP), seed: r.sampling.seed.map(String.init)),
            finishReason: r.finishReason.rawValue, generatedAt: r.createdAt, keyCommitment: keyCommitment, at: date)
    }
}
