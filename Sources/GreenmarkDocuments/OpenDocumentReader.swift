/// Placeholder while the reader is written.
struct OpenDocumentReader {
    /// The limits reads run under.
    let limits: DocumentLimits

    /// The raw text of `data`.
    func read(_ data: [UInt8]) throws(DocumentError) -> String {
        throw DocumentError(.unsupportedFormat, "not yet readable")
    }
}
