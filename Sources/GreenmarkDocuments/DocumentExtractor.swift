import Foundation

/// Reads the text of a document (`.txt`, `.md`, `.docx`, `.odt`, `.pdf`, `.html`, `.rtf`)
/// deterministically and under `DocumentLimits`; `docs/documents.md` says what each format keeps.
///
/// The format comes from the bytes (`sniff`); the file name only chooses among text formats and
/// is checked against binary content. Every format's raw text goes through `Reflow.apply` last,
/// so the same document always gives the same text under the same `extraction` tag.
public struct DocumentExtractor: Sendable {
    /// The version of the extraction rules (this file and the format readers), before the reflow's.
    public static let rulesVersion = "documents-v1"

    /// The limits every extraction runs under.
    public let limits: DocumentLimits

    /// An extractor with the given limits.
    public init(limits: DocumentLimits = .default) { self.limits = limits }

    /// The tag `ExtractedDocument.extraction` carries: the rules' version and the reflow's.
    public static var extractionTag: String { "\(rulesVersion)+\(Reflow.version)" }

    /// Extracts the text of `data`, named `filename` (used only to choose among text formats and to
    /// refuse a binary name on other content).
    public func extract(_ data: Data, filename: String?) throws(DocumentError) -> ExtractedDocument {
        try extract([UInt8](data), filename: filename)
    }

    /// Extracts the text of `data`, named `filename` (used only to choose among text formats and to
    /// refuse a binary name on other content).
    public func extract(_ data: [UInt8], filename: String?) throws(DocumentError) -> ExtractedDocument {
        guard data.count <= limits.maxInputBytes else {
            throw DocumentError(.tooLarge, "the document is \(data.count) bytes; at most \(limits.maxInputBytes) are read")
        }
        let format = try Self.classify(data, filename: filename, limits: limits)
        var notes: [String] = []
        if let filename, let claimed = DocumentFormat(fileExtensionOf: filename), claimed != format, claimed.isBinary || format.isBinary {
            notes.append("named .\(claimed.rawValue) but the content is \(format.rawValue); read as \(format.rawValue)")
        }
        let raw: String
        switch format {
        case .plainText, .markdown: raw = try PlainTextReader.read(data, notes: &notes)
        case .docx: raw = try WordReader(limits: limits).read(data)
        case .odt: raw = try OpenDocumentReader(limits: limits).read(data)
        case .pdf: raw = try PDFReader(limits: limits).read(data, notes: &notes)
        case .html: raw = try HTMLReader.read(PlainTextReader.decode(data, notes: &notes))
        case .rtf: raw = try RTFReader(limits: limits).read(data)
        }
        guard raw.utf8.count <= limits.maxExtractedBytes else {
            throw DocumentError(.tooLarge, "the extracted text is \(raw.utf8.count) bytes; at most \(limits.maxExtractedBytes) are kept")
        }
        let text = Reflow.apply(raw, format: format)
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw DocumentError(
                .noText,
                format == .pdf
                    ? "the PDF has no text layer (a scan or images of text): nothing can be scored, so no verdict is possible"
                    : "the \(format.rawValue) document contains no text")
        }
        return ExtractedDocument(format: format, text: text, extraction: Self.extractionTag, notes: notes)
    }

    /// The format of `data` judged from its bytes, using `filename`'s extension only to choose among
    /// text formats (`txt`, `md`, `html`, `rtf`); nil when it is no format Greenmark reads (an image, a
    /// ZIP that is not a document, a legacy `.doc`, a binary file).
    public static func sniff(_ data: Data, filename: String?) -> DocumentFormat? {
        sniff([UInt8](data), filename: filename)
    }

    /// The format of `data` judged from its bytes, using `filename`'s extension only to choose among
    /// text formats (`txt`, `md`, `html`, `rtf`); nil when it is no format Greenmark reads.
    public static func sniff(_ data: [UInt8], filename: String?) -> DocumentFormat? {
        try? classify(data, filename: filename, limits: .default)
    }
}
