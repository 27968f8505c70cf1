/// `.html`: the text a browser would show, as paragraphs.
///
/// Dropped: tags, comments, the DOCTYPE, and the content of `script`, `style`, `title`, `noscript`,
/// `template`, `textarea`, `svg`, `math`, `iframe`, `object` and `select`. Block elements (`p`,
/// `div`, headings, list items, table cells, `blockquote`, `pre`, ...) end a paragraph; `br` is a
/// line break. Outside `pre`, runs of white space collapse to one space, as a browser renders them.
/// Character references are decoded (numeric ones, and the named ones of HTML 4: Latin-1, typographic
/// punctuation, a few symbols); an unknown name stays as written.
enum HTMLReader {
    /// Elements whose content is not shown text.
    static let hidden: Set<String> = [
        "script", "style", "title", "noscript", "template", "textarea", "svg", "math", "iframe", "object", "select",
    ]
    /// Elements that start and end a paragraph.
    static let blocks: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
        "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    ]

    /// The raw text of `html`.
    static func read(_ html: String) throws(DocumentError) -> String {
        let bytes = Array(html.utf8)
        var paragraphs: [String] = []
        var current: [UInt8] = []
        var pendingSpace = false
        var preDepth = 0
        var i = 0
        func flush() {
            while let last = current.last, last == 0x20 || last == 0x0A { current.removeLast() }
            if !current.isEmpty { paragraphs.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll()
            pendingSpace = false
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "<"), let tag = Tag.parse(bytes, at: i) {
                i = tag.end
                if tag.isComment { continue }
                if !tag.isClosing, hidden.contains(tag.name), !tag.selfClosing {
                    i = Tag.skipContent(of: tag.name, in: bytes, from: i)
                    continue
                }
                if tag.name == "br" {
                    current.append(0x0A)
                    pendingSpace = false
                } else if blocks.contains(tag.name) {
                    flush()
                    if tag.name == "pre" { preDepth = max(0, preDepth + (tag.isClosing ? -1 : 1)) }
                }
                continue
            }
            var decoded: [UInt8]
            if b == UInt8(ascii: "&") {
                let (text, next) = Entities.decode(bytes, at: i)
                decoded = text
                i = next
            } else {
                decoded = [b]
                i += 1
            }
            for c in decoded {
                if preDepth == 0 && (c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C) {
                    pendingSpace = true
                    continue
                }
                if pendingSpace, let last = current.last, last != 0x0A { current.append(0x20) }
                pendingSpace = false
                current.append(c == 0x0D ? 0x0A : c)
            }
        }
        flush()
        return paragraphs.joined(separator: "\n\n")
    }
}
