import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkStorage
import GreenmarkTransparency
import HTTPTypes
import Hummingbird

/// `docs/openapi.yaml`, schema `CertifyRequest`: the body of `POST /v1/certificates`: `text`, or a
/// `document` to read the text from (exactly one; `SubmittedText`).
struct CertifyRequest: Decodable {
    let text: String?
    let document: DocumentUpload?
    let keyID: String?

    enum CodingKeys: String, CodingKey {
        case text, document
        case keyID = "key_id"
    }
}

/// `docs/openapi.yaml`, schema `CertifyResponse`: the certificate issued, its id and the detection
/// it attests; `document` (with the exact text certified) when the text was read from one.
struct CertifyResponse: ResponseEncodable {
    let id: String
    let certificate: SignedCertificate
    let detection: DetectionResult
    var document: DocumentSummary? = nil
}

/// `docs/openapi.yaml`, schema `VerificationReport`: the answer of `POST /v1/certificates/verify`
/// (its body is `VerifyRequest`).
extension VerificationReport: ResponseEncodable {}

/// `docs/openapi.yaml`, media type `application/vnd.greenmark.bundle.v1+json`: a certificate or
/// receipt just issued, answered as a provenance bundle (`BundleDocument`) when the client asks
/// (`?bundle=1`, or that media type in `Accept`): the certificate file as stored, the text, every
/// trusted-root version in `trust/`, and the certificate's inclusion proof in the transparency log.
enum BundleReply {
    /// Whether the request asks for a bundle: `bundle=1` (or `true`) in the query, or the bundle
    /// media type in `Accept`; `bundle=0` (or `false`) asks for none. Any other value, or the
    /// parameter twice, is 400 `input.invalid_query` (checked before any work is done).
    static func wanted(_ request: Request) throws(APIError) -> Bool {
        let flags = request.uri.queryParameters.getAll("bundle")
        guard flags.count <= 1 else { throw APIError(.badRequest, code: .invalidQuery, "bundle may be given once") }
        switch flags.first.map({ String($0) }) as String? {
        case "1", "true": return true
        case "0", "false": return false
        case nil: return request.headers[values: .accept].contains { $0.contains(BundleDocument.mediaType) }
        case let other?:
            throw APIError(.badRequest, code: .invalidQuery, "bundle must be 1, true, 0 or false, not \(String(other.prefix(40)).debugDescription)")
        }
    }

    /// The bundle's bytes for a certificate the daemon just issued and logged (blocking parts off the event loop).
    static func bytes(
        certificate: SignedCertificate, id: String, text: String, issuing: IssuingServices,
        log: LogServices?
    ) async throws -> [UInt8] {
        let registry = issuing.registry
        let trustDirectory = issuing.signing.trustDirectory
        var proof: [UInt8]?
        if let log, let index = try await offload({ try registry.logIndex(certificateID: id) }) {
            let evidence = try await log.withCurrentTree { tree, note in
                InclusionProofResponse(
                    certificateID: id, leafIndex: index, treeSize: tree.size, leafHash: Hex.encode(tree.leafHash(at: index)),
                    proof: try tree.inclusionProof(index: index).map { Hex.encode($0) }, checkpoint: note)
            }
            proof = Array(try JSONEncoder.api.encode(evidence))
        }
        let logProof = proof
        return try await offload {
            let roots = try BundleDocument.trustedRootFiles(in: trustDirectory)
            return try BundleDocument(certificate: certificate, text: text, digestOnly: false, trustedRoots: roots, logProof: logProof).fileBytes()
        }
    }

    /// The bundle as a response with its media type.
    static func response(_ bytes: [UInt8], status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = BundleDocument.mediaType
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
