import GreenmarkCertificates
import Hummingbird

/// `docs/openapi.yaml`, schema `VerificationReport`: the answer of `POST /v1/certificates/verify`,
/// the verifier's report as is, and `document` when the text was read from a document (which
/// reading of it was checked).
struct VerifyResponse: ResponseEncodable {
    let report: VerificationReport
    let document: DocumentSummary?

    private enum Key: String, CodingKey { case document }

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(document, forKey: .document)
    }
}
