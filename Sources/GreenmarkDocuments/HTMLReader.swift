/// Placeholder while the reader is written.
enum HTMLReader {
    /// The raw text of `html`.
    static func read(_ html: String) throws(DocumentError) -> String { html }
}
