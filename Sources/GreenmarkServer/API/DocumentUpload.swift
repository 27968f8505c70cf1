/// `docs/openapi.yaml`, schema `DocumentUpload`: a document sent to `/v1/detect` or
/// `/v1/certificates` instead of `text`: its file name (optional; it chooses among text formats
/// only, the content decides the rest) and its bytes in standard base64 (RFC 4648, section 4).
struct DocumentUpload: Decodable, Sendable {
    let filename: String?
    let contentBase64: String

    enum CodingKeys: String, CodingKey {
        case filename
        case contentBase64 = "content_base64"
    }
}
