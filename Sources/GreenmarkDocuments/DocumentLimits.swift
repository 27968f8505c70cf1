/// Bounds on what reading one document may cost: input size, extracted text, ZIP entries, XML
/// nesting and the PDF child process's time and memory. Every limit refuses with a coded
/// `DocumentError` (`input.too_large`, `input.extraction_timeout`, ...) instead of degrading.
public struct DocumentLimits: Sendable, Hashable {
    /// Largest document accepted, in bytes (default 25 MiB).
    public var maxInputBytes: Int
    /// Largest extracted text, in UTF-8 bytes before reflow (default 2 MiB).
    public var maxExtractedBytes: Int
    /// Largest uncompressed ZIP member read (`word/document.xml`, `content.xml`), in bytes (default 64 MiB),
    /// counted while inflating, whatever the entry's header claims.
    public var maxArchiveEntryBytes: Int
    /// Largest ratio of inflated to compressed bytes of one ZIP member (default 200), checked once the
    /// member has inflated past `compressionRatioFloorBytes`.
    public var maxCompressionRatio: Int
    /// Inflated size below which the compression ratio is not checked (default 1 MiB): small members
    /// of repetitive XML compress well without being bombs.
    public var compressionRatioFloorBytes: Int
    /// Deepest XML element nesting accepted (default 256).
    public var maxXMLDepth: Int
    /// Wall-clock time `pdftotext` may run before it is killed, in seconds (default 20).
    public var pdfTimeoutSeconds: Int
    /// Address-space limit of the `pdftotext` process, in bytes (default 1 GiB).
    public var pdfMemoryBytes: Int
    /// CPU-time limit of the `pdftotext` process, in seconds (default 20).
    public var pdfCPUSeconds: Int
    /// Pages of a PDF read at most (default 2,000); later pages are dropped with a note.
    public var pdfMaxPages: Int
    /// Path of `pdftotext` (default `/usr/bin/pdftotext`, poppler-utils).
    public var pdftotextPath: String

    /// Limits with the given values; every argument defaults to `DocumentLimits.default`'s.
    public init(
        maxInputBytes: Int = 25 << 20, maxExtractedBytes: Int = 2 << 20, maxArchiveEntryBytes: Int = 64 << 20,
        maxCompressionRatio: Int = 200, compressionRatioFloorBytes: Int = 1 << 20, maxXMLDepth: Int = 256,
        pdfTimeoutSeconds: Int = 20, pdfMemoryBytes: Int = 1 << 30, pdfCPUSeconds: Int = 20, pdfMaxPages: Int = 2000,
        pdftotextPath: String = "/usr/bin/pdftotext"
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxExtractedBytes = maxExtractedBytes
        self.maxArchiveEntryBytes = maxArchiveEntryBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.compressionRatioFloorBytes = compressionRatioFloorBytes
        self.maxXMLDepth = maxXMLDepth
        self.pdfTimeoutSeconds = pdfTimeoutSeconds
        self.pdfMemoryBytes = pdfMemoryBytes
        self.pdfCPUSeconds = pdfCPUSeconds
        self.pdfMaxPages = pdfMaxPages
        self.pdftotextPath = pdftotextPath
    }

    /// The limits the CLI and the daemon use.
    public static let `default` = DocumentLimits()
}
