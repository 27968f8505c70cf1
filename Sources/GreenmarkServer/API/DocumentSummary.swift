/// `docs/openapi.yaml`, schema `DocumentSummary`: what the daemon read from a document sent to
/// `/v1/detect` or `/v1/certificates` (the `document` member of their answers): the format judged
/// from its content, the extraction's version tag (absent for `.txt` and `.md`, read as they are),
/// notes on what was dropped or assumed, and the exact text scored, which is the text a
/// certificate names.
struct DocumentSummary: Encodable, Sendable {
    let filename: String?
    let format: String
    let extraction: String?
    let notes: [String]
    let text: String
}
