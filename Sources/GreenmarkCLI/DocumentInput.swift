import Foundation
import GreenmarkCore
import GreenmarkDocuments

/// A text to score, certify or verify, read from a file, standard input or a submission: plain
/// text (`.txt`, `.md`) exactly as it is, as before documents were read, so a `.txt` file's
/// certificate digest is unchanged; any other document (`.docx`, `.odt`, `.pdf`, `.html`, `.rtf`,
/// the format judged from the content) through `DocumentExtractor`, whose text is what is scored
/// and what a certificate names.
struct DocumentInput {
    /// Where it came from: a path, "standard input", or a submission's name.
    let source: String
    /// The text scored: the input as is, or the extracted text.
    let text: String
    /// The format it was read as.
    let format: DocumentFormat
    /// The extraction's version tag (`documents-v1+…`); nil for plain text read as is.
    let extraction: String?
    /// What extraction dropped or assumed.
    let notes: [String]

    /// Whether the text was extracted from a document (not read as is).
    var isExtracted: Bool { extraction != nil }

    /// "report.docx (docx, documents-v1+reflow-v1)" or "essay.txt (txt, as is)".
    var provenance: String {
        isExtracted ? "extracted from \(source) (\(format.rawValue), \(extraction!))" : "\(source) (\(format.rawValue), read as is)"
    }

    /// The input as the JSON outputs show it (`document` member): format, extraction, notes.
    struct Summary: Encodable {
        let source: String
        let format: String
        let extraction: String?
        let notes: [String]
    }

    var summary: Summary { Summary(source: source, format: format.rawValue, extraction: extraction, notes: notes) }

    /// Reads `path` ("-" or nil for standard input) and its text.
    static func read(path: String?) throws -> DocumentInput {
        let bytes = try InputReader.readBytes(path: path)
        let name = path == nil || path == "-" ? nil : (path! as NSString).lastPathComponent
        return try decode(bytes, filename: name, source: name == nil ? "standard input" : path!)
    }

    /// The text of `bytes` named `filename` (nil: standard input; only the content decides).
    ///
    /// Plain text and Markdown, and content no reader knows under a plain-text name (or no name),
    /// are read as strict UTF-8 as is (`input.invalid_utf8`, `input.empty_text` as before);
    /// everything else goes through `DocumentExtractor` (`input.unsupported_format`,
    /// `input.extraction_failed`, … on failure).
    static func decode(_ bytes: [UInt8], filename: String?, source: String) throws -> DocumentInput {
        let sniffed = DocumentExtractor.sniff(bytes, filename: filename)
        let claimed = filename.flatMap { DocumentFormat(fileExtensionOf: $0) }
        let readAsIs: Bool =
            switch sniffed {
            case .plainText?, .markdown?: true
            case nil: claimed == nil || claimed == .plainText || claimed == .markdown
            default: false
            }
        if readAsIs {
            let text = try TextInput.decodeUTF8(bytes)
            try TextInput.requireContent(text)
            return DocumentInput(source: source, text: text, format: sniffed ?? claimed ?? .plainText, extraction: nil, notes: [])
        }
        let document = try DocumentExtractor(limits: .default).extract(bytes, filename: filename)
        return DocumentInput(source: source, text: document.text, format: document.format, extraction: document.extraction, notes: document.notes)
    }

    /// Tells the user on standard error what was read, when it was not plain text.
    func announce() {
        guard isExtracted else { return }
        var line = "greenmark: scoring the text \(provenance)"
        if !notes.isEmpty { line += "; " + notes.joined(separator: "; ") }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
