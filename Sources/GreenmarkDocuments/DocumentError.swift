import GreenmarkCrypto

/// An error reading a document or a submission archive, with a stable code shared by the CLI and
/// the HTTP API; the document is refused rather than read in part.
public struct DocumentError: CodedError {
    /// Stable machine-readable codes.
    public enum Code: String, CaseIterable, Sendable, CustomStringConvertible {
        /// The content is not a format Greenmark reads (an image, a legacy `.doc`, a ZIP that is no document), or
        /// the file name claims a binary format its bytes are not.
        case unsupportedFormat = "input.unsupported_format"
        /// The document, its extracted text, a ZIP member, its compression ratio, its XML nesting or an archive's
        /// entries exceed `DocumentLimits`.
        case tooLarge = "input.too_large"
        /// The document is damaged or malformed (a truncated ZIP, XML that is not well-formed, a PDF poppler cannot
        /// read).
        case extractionFailed = "input.extraction_failed"
        /// The document is password-protected (an encrypted PDF or Office file).
        case encrypted = "input.encrypted"
        /// The document has no text to read, e.g. a scanned PDF without a text layer (nothing was scored, so no
        /// verdict about a watermark can be given).
        case noText = "input.no_text"
        /// A text document (`.txt`, `.md`, `.html`) is not valid UTF-8.
        case invalidEncoding = "input.invalid_encoding"
        /// XML with a DOCTYPE or entity declaration, refused before any expansion (external entities, billion laughs).
        case unsafeXML = "input.unsafe_xml"
        /// An archive entry with an absolute path, a `..` component or a symbolic link, refused before anything is read.
        case unsafeArchive = "input.unsafe_archive"
        /// `pdftotext` ran past its wall-clock or CPU time limit and was killed.
        case extractionTimeout = "input.extraction_timeout"
        /// `pdftotext` (Debian's poppler-utils) is not installed.
        case extractorUnavailable = "input.extractor_unavailable"

        public var description: String { rawValue }
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) { (self.code, self.reason) = (code, reason) }

    /// The human reason (as `reason`), for callers that say message.
    public var message: String { reason }
}
