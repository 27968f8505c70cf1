/// A document format Greenmark reads text from; the raw value is the usual file extension.
public enum DocumentFormat: String, Sendable, CaseIterable {
    /// Plain UTF-8 text (`.txt`).
    case plainText = "txt"
    /// Markdown (`.md`), read as plain text: the markup is kept.
    case markdown = "md"
    /// Office Open XML WordprocessingML (`.docx`): a ZIP with `word/document.xml`.
    case docx
    /// OpenDocument text (`.odt`): a ZIP whose `mimetype` is `application/vnd.oasis.opendocument.text`.
    case odt
    /// PDF, read with poppler's `pdftotext` in a child process under resource limits.
    case pdf
    /// HTML (`.html`, `.htm`): tags, scripts and styles dropped, block elements end paragraphs.
    case html
    /// Rich Text Format (`.rtf`): the plain text of the body, without control words and destinations.
    case rtf

    /// The format a file name's extension claims, if any (case-insensitive; `.htm` and `.markdown` included).
    public init?(fileExtensionOf filename: String) {
        guard let dot = filename.lastIndex(of: "."), dot != filename.startIndex || filename.count > 1 else { return nil }
        switch filename[filename.index(after: dot)...].lowercased() {
        case "txt", "text": self = .plainText
        case "md", "markdown": self = .markdown
        case "docx": self = .docx
        case "odt": self = .odt
        case "pdf": self = .pdf
        case "html", "htm", "xhtml": self = .html
        case "rtf": self = .rtf
        default: return nil
        }
    }

    /// Whether the format is a binary container (ZIP or PDF) rather than text.
    public var isBinary: Bool { self == .docx || self == .odt || self == .pdf }
}
