import Foundation
import GreenmarkCertificates
import HTTPTypes

/// The body of `POST /v1/certificates/verify`, read without re-encoding anything (#17): the
/// certificate is verified as the exact bytes the caller sent, so the route and `greenmark verify`
/// agree on every file (a repeated `payload` member, an extra member, a number in another form
/// are all `format.invalid` in both). Decoding it into a struct and encoding it again, as before,
/// silently dropped what the verifier must see.
///
/// `certificate` is either a JSON string holding the certificate file's exact text (its UTF-8
/// bytes are verified), or the certificate's JSON object, whose exact byte span in the request
/// body (from `{` to the matching `}`) is verified. `text` is the text the certificate is about,
/// or `document` (`DocumentUpload`) the document it was certified from, whose extracted text is
/// checked (exactly one of the two; `SubmittedText`).
/// The request body itself is checked strictly: valid UTF-8 JSON, one object, no member name
/// repeated in any object outside the certificate (a repeated `certificate` or `text` could mean
/// different things to different parsers), nesting at most 64 deep. Other members are ignored.
struct VerifyRequest {
    /// The certificate's bytes, exactly as sent.
    let certificate: [UInt8]
    /// The text, decoded from its JSON string (nil when a document was sent).
    let text: String?
    /// The document the text is to be read from (nil when text was sent).
    let document: DocumentUpload?

    /// Deepest nesting accepted in the request body.
    static let maximumDepth = 64

    static func parse(_ bytes: [UInt8]) throws(APIError) -> VerifyRequest {
        func invalid(_ why: String) -> APIError { APIError(.badRequest, code: .invalidJSON, "the request body \(why)") }
        let body: JSONTopLevel
        do {
            body = try JSONTopLevel(bytes, opaque: "certificate", maximumDepth: maximumDepth)
        } catch {
            switch error {
            case .duplicate(let name):
                throw APIError(
                    .badRequest, code: .duplicateMember,
                    "the request body repeats the member \(String(name.debugDescription.prefix(80))); each name may appear once")
            case .syntax(let why): throw invalid(why)
            }
        }
        guard let certificateSpan = body.spans["certificate"] else { throw invalid("does not match the schema: missing field certificate") }
        var text: String?
        var document: DocumentUpload?
        switch (body.spans["text"], body.spans["document"]) {
        case (_?, nil):
            guard let string = body.string("text") else { throw invalid("does not match the schema: text must be a string") }
            text = string
        case (nil, let span?):
            do {
                document = try JSONDecoder().decode(DocumentUpload.self, from: Data(bytes[span]))
            } catch {
                throw invalid("does not match the schema: document must be {\"filename\", \"content_base64\"}")
            }
        default:
            throw APIError(.badRequest, code: .textOrDocument, "send exactly one of text and document")
        }
        let certificate: [UInt8]
        if body.isObject("certificate") {
            certificate = Array(bytes[certificateSpan])
        } else if let fileText = body.string("certificate") {
            certificate = Array(fileText.utf8)
        } else {
            throw invalid("does not match the schema: certificate must be the certificate file's text (a JSON string) or its JSON object")
        }
        return VerifyRequest(certificate: certificate, text: text, document: document)
    }
}
