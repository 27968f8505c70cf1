/// The text read from a document: its format, the text after `Reflow.apply`, the extraction's
/// version tag and notes on what was dropped or assumed.
public struct ExtractedDocument: Sendable, Hashable {
    /// The format the content was read as (from the bytes, not only the file name).
    public let format: DocumentFormat
    /// The extracted text, reflowed (`Reflow.apply(raw, format:)`): what is scored and certified.
    public let text: String
    /// Version tag of extraction and reflow, `documents-v1+<Reflow.version>`: the same document gives
    /// the same text under the same tag.
    public let extraction: String
    /// Human notes: a misleading extension, pages dropped, a byte-order mark removed, ...
    public let notes: [String]

    /// A document's extracted text and how it was made.
    public init(format: DocumentFormat, text: String, extraction: String, notes: [String]) {
        self.format = format
        self.text = text
        self.extraction = extraction
        self.notes = notes
    }
}
