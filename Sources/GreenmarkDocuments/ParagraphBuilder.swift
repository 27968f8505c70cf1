/// Collects paragraphs while an XML reader walks a document: paragraphs may nest (a text box inside a
/// paragraph), and the inner one is emitted first. Paragraphs without non-white text are dropped.
struct ParagraphBuilder {
    /// The paragraphs being read, innermost last.
    private var stack: [String] = []
    /// The finished paragraphs, in the order they closed.
    private(set) var paragraphs: [String] = []
    /// UTF-8 bytes collected so far (for the extracted-text limit).
    private var bytes = 0

    /// Starts a paragraph.
    mutating func open() { stack.append("") }

    /// Appends `text` to the innermost open paragraph (text outside paragraphs is dropped).
    mutating func append(_ text: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1] += text
    }

    /// The innermost open paragraph's text so far ("" when none is open).
    var current: String { stack.last ?? "" }

    /// Replaces the innermost open paragraph's text.
    mutating func replaceCurrent(_ text: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1] = text
    }

    /// Ends the innermost paragraph; `input.too_large` once the text passes `limit` bytes.
    mutating func close(limit: Int) throws(DocumentError) {
        guard let paragraph = stack.popLast() else { return }
        guard paragraph.contains(where: { !$0.isWhitespace }) else { return }
        bytes += paragraph.utf8.count + 2
        guard bytes <= limit else { throw DocumentError(.tooLarge, "the extracted text passes \(limit) bytes") }
        paragraphs.append(paragraph)
    }

    /// The paragraphs joined by blank lines.
    var text: String { paragraphs.joined(separator: "\n\n") }
}
