/// `.docx`: the paragraphs of `word/document.xml`, read with `XMLScanner`.
///
/// Kept: the text of runs (`w:t`) in every body paragraph (`w:p`, table cells and text boxes
/// included), `w:tab` as a tab, `w:br`/`w:cr` as a line break, `w:noBreakHyphen` as `-`,
/// `w:softHyphen` as U+00AD, inserted revisions. Dropped: deleted and moved-away revisions
/// (`w:del`, `w:moveFrom`), field codes (`w:instrText`), the duplicate fallback of
/// `mc:AlternateContent`, and everything outside `word/document.xml` (headers, footers,
/// footnotes, endnotes, comments). Paragraphs without text are dropped; the others are joined
/// with a blank line.
struct WordReader {
    /// WordprocessingML's namespaces: transitional and strict.
    static let namespaces: Set<String> = [
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main",
    ]
    /// Markup compatibility (`mc:AlternateContent`, `mc:Fallback`).
    static let markupCompatibility = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    /// Elements whose content is dropped whole.
    static let skipped: Set<String> = ["del", "moveFrom", "instrText", "delText", "delInstrText"]

    /// The limits reads run under.
    let limits: DocumentLimits

    /// The raw text of the `.docx` `data`.
    func read(_ data: [UInt8]) throws(DocumentError) -> String {
        let zip = try ZipReader(data, limits: limits)
        if zip.contains("EncryptedPackage") { throw DocumentError(.encrypted, "the document is password-protected") }
        let xml = try zip.read("word/document.xml")
        var builder = ParagraphBuilder()
        var skipDepth = 0
        var depth = 0
        var inText = false
        var runDepth = 0
        try XMLScanner(maxDepth: limits.maxXMLDepth).scan(xml) { (event) throws(DocumentError) in
            switch event {
            case .start(let name, _):
                depth += 1
                if skipDepth > 0 { return }
                let word = Self.namespaces.contains(name.uri)
                if (word && Self.skipped.contains(name.local)) || (name.uri == Self.markupCompatibility && name.local == "Fallback") {
                    skipDepth = depth
                    return
                }
                guard word else { return }
                switch name.local {
                case "p": builder.open()
                case "r": runDepth += 1
                case "t": inText = true
                case "tab" where runDepth > 0: builder.append("\t")
                case "br", "cr": if runDepth > 0 { builder.append("\n") }
                case "noBreakHyphen": builder.append("-")
                case "softHyphen": builder.append("\u{AD}")
                default: break
                }
            case .end(let name):
                defer { depth -= 1 }
                if skipDepth > 0 {
                    if depth == skipDepth { skipDepth = 0 }
                    return
                }
                guard Self.namespaces.contains(name.uri) else { return }
                switch name.local {
                case "p": try builder.close(limit: limits.maxExtractedBytes)
                case "r": runDepth -= 1
                case "t": inText = false
                default: break
                }
            case .text(let text):
                if skipDepth == 0, inText { builder.append(text) }
            }
        }
        return builder.text
    }
}
