import Foundation
import GreenmarkCore
import GreenmarkDocuments
import HTTPTypes

/// The text `/v1/detect` and `/v1/certificates` score: the request's `text` as sent, or the text
/// of its `document` (exactly one of the two). A document's size is checked on its base64 before
/// anything is decoded; decoding and extraction run on `DocumentOffload`'s threads, never on the
/// event loop. `.txt` and `.md` documents are read as they are (strict UTF-8), as `greenmark
/// detect` and `certify` read them, so a text file has the same certificate digest either way;
/// every other format goes through `DocumentExtractor` (its codes: `DocumentError+HTTP.swift`).
struct SubmittedText: Sendable {
    /// The text to score and certify.
    let text: String
    /// What was read from the document (nil for `text`).
    let document: DocumentSummary?

    /// Largest document the daemon reads, in bytes (decoded).
    static let maximumDocumentBytes = 10 << 20
    /// Largest request body on the routes that take documents: a largest document in base64 and
    /// room for the other members. A body without a document keeps the 4 MiB limit.
    static let maximumBodyBytes = (maximumDocumentBytes + 2) / 3 * 4 + (64 << 10)
    /// The limits extraction runs under in the daemon.
    static let limits = DocumentLimits(maxInputBytes: maximumDocumentBytes)

    /// The text of a request body that carried `text` or `document`, `bodyBytes` long.
    static func resolve(
        text: String?, document: DocumentUpload?, bodyBytes: Int, context: GreenmarkRequestContext
    ) async throws -> SubmittedText {
        switch (text, document) {
        case (let text?, nil):
            guard bodyBytes <= context.maxUploadSize else {
                throw APIError(
                    .contentTooLarge, code: .tooLarge,
                    "the request body is larger than \(APIInput.describeBytes(context.maxUploadSize)) (larger bodies only with a document)")
            }
            return SubmittedText(text: text, document: nil)
        case (nil, let document?):
            return try await read(document)
        default:
            throw APIError(.badRequest, code: .textOrDocument, "send exactly one of text and document")
        }
    }

    /// Decodes and reads `upload` on the document threads.
    static func read(_ upload: DocumentUpload) async throws -> SubmittedText {
        let encoded = upload.contentBase64
        // Checked before decoding: base64 is 4 characters for every 3 bytes.
        guard encoded.utf8.count <= (maximumDocumentBytes + 2) / 3 * 4 else {
            throw DocumentError(.tooLarge, "the document is larger than \(APIInput.describeBytes(maximumDocumentBytes))")
        }
        if let filename = upload.filename, filename.utf8.count > 1024 || filename.contains(where: { $0.isNewline }) {
            throw APIError(.badRequest, code: .invalidJSON, "the request body does not match the schema: document.filename is not a file name")
        }
        let filename = upload.filename.map { String($0.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "") }
        return try await DocumentOffload.run {
            guard let data = Data(base64Encoded: encoded) else {
                throw APIError(.badRequest, code: .invalidUpload, "document.content_base64 is not standard base64 (RFC 4648)")
            }
            let bytes = [UInt8](data)
            switch DocumentExtractor.sniff(bytes, filename: filename) {
            case let format? where format == .plainText || format == .markdown:
                let text = try TextInput.decodeUTF8(bytes)
                try TextInput.requireContent(text)
                return SubmittedText(
                    text: text, document: DocumentSummary(filename: filename, format: format.rawValue, extraction: nil, notes: [], text: text))
            default:
                let read = try DocumentExtractor(limits: limits).extract(bytes, filename: filename)
                return SubmittedText(
                    text: read.text,
                    document: DocumentSummary(
                        filename: filename, format: read.format.rawValue, extraction: read.extraction, notes: read.notes, text: read.text))
            }
        }
    }
}
