/// `.odt`: the paragraphs and headings of `content.xml`'s body, read with `XMLScanner`.
///
/// Kept: `text:p` and `text:h` (in lists, tables, sections and frames too) with ODF's white-space
/// rule (runs of space, tab and line end in the XML collapse to one space and are trimmed at the
/// paragraph's ends), `text:s` (`text:c` spaces), `text:tab` as a tab, `text:line-break` as a line
/// break. Dropped: notes (`text:note`: footnotes and endnotes), annotations (comments), tracked
/// changes' deleted text (`text:tracked-changes`), tables of contents and indexes, drawing titles and
/// descriptions, and everything outside `content.xml` (page headers and footers are in `styles.xml`).
/// Paragraphs without text are dropped; the others are joined with a blank line.
struct OpenDocumentReader {
    /// ODF's text namespace.
    static let text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    /// ODF's office namespace.
    static let office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    /// ODF's SVG-compatible namespace (`svg:title`, `svg:desc`).
    static let svg = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
    /// Text elements whose content is dropped whole.
    static let skippedText: Set<String> = [
        "note", "tracked-changes", "table-of-content", "alphabetical-index", "illustration-index", "table-index",
        "object-index", "user-index", "bibliography", "sequence-decls", "variable-decls", "user-field-decls",
    ]

    /// The limits reads run under.
    let limits: DocumentLimits

    /// The raw text of the `.odt` `data`.
    func read(_ data: [UInt8]) throws(DocumentError) -> String {
        let zip = try ZipReader(data, limits: limits)
        if let manifest = try? zip.read("META-INF/manifest.xml", limit: 1 << 20),
            DocumentExtractor.contains(manifest, Array("encryption-data".utf8))
        {
            throw DocumentError(.encrypted, "the document is password-protected")
        }
        let xml = try zip.read("content.xml")
        var builder = ParagraphBuilder()
        var skipDepth = 0
        var depth = 0
        var inBody = false
        var pendingSpace = false
        try XMLScanner(maxDepth: limits.maxXMLDepth).scan(xml) { (event) throws(DocumentError) in
            switch event {
            case .start(let name, let attributes):
                depth += 1
                if skipDepth > 0 { return }
                if name.uri == Self.office && name.local == "body" { inBody = true }
                guard inBody else { return }
                if (name.uri == Self.text && Self.skippedText.contains(name.local))
                    || (name.uri == Self.office && name.local == "annotation")
                    || (name.uri == Self.svg && (name.local == "title" || name.local == "desc"))
                {
                    skipDepth = depth
                    return
                }
                guard name.uri == Self.text else { return }
                // A collapsed run before `text:s`, a tab or a line break is still one space.
                if ["s", "tab", "line-break"].contains(name.local), pendingSpace, !builder.current.isEmpty { builder.append(" ") }
                switch name.local {
                case "p", "h":
                    builder.open()
                    pendingSpace = false
                case "s":
                    let count = attributes[XMLScanner.Name(uri: Self.text, local: "c")].flatMap { Int($0) } ?? 1
                    builder.append(String(repeating: " ", count: min(max(count, 1), 1000)))
                    pendingSpace = false
                case "tab":
                    builder.append("\t")
                    pendingSpace = false
                case "line-break":
                    builder.append("\n")
                    pendingSpace = false
                default: break
                }
            case .end(let name):
                defer { depth -= 1 }
                if skipDepth > 0 {
                    if depth == skipDepth { skipDepth = 0 }
                    return
                }
                if name.uri == Self.office && name.local == "body" { inBody = false }
                if inBody, name.uri == Self.text, name.local == "p" || name.local == "h" {
                    try builder.close(limit: limits.maxExtractedBytes)
                    pendingSpace = false
                }
            case .text(let text):
                guard skipDepth == 0, inBody else { return }
                var out = ""
                for scalar in text.unicodeScalars {
                    if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                        pendingSpace = true
                    } else {
                        if pendingSpace && !(builder.current.isEmpty && out.isEmpty) { out.append(" ") }
                        pendingSpace = false
                        out.unicodeScalars.append(scalar)
                    }
                }
                builder.append(out)
            }
        }
        return builder.text
    }
}
