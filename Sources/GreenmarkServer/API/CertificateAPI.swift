import GreenmarkCertificates
import GreenmarkCore
import Hummingbird

/// `docs/openapi.yaml`, schema `CertifyRequest`: the body of `POST /v1/certificates`.
struct CertifyRequest: Decodable {
    let text: String
    let keyID: String?

    enum CodingKeys: String, CodingKey {
        case text
        case keyID = "key_id"
    }
}

/// `docs/openapi.yaml`, schema `CertifyResponse`: the certificate issued, its id and the detection it attests.
struct CertifyResponse: ResponseEncodable {
    let id: String
    let certificate: SignedCertificate
    let detection: DetectionResult
}

/// `docs/openapi.yaml`, schema `VerificationReport`: the answer of `POST /v1/certificates/verify`
/// (its body is `VerifyRequest`).
extension VerificationReport: ResponseEncodable {}
