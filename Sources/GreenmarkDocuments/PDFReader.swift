/// Placeholder while the reader is written.
struct PDFReader {
    /// The limits reads run under.
    let limits: DocumentLimits

    /// The raw text of `data`.
    func read(_ data: [UInt8], notes: inout [String]) throws(DocumentError) -> String {
        throw DocumentError(.unsupportedFormat, "not yet readable")
    }
}
