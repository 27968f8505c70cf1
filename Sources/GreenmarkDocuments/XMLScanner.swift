/// A small XML scanner for the XML inside `.docx` and `.odt`: it reports elements (with resolved
/// namespaces) and text, and refuses rather than expands anything risky.
///
/// Written here instead of using Foundation's `XMLParser` (libxml2) so that no DTD is ever
/// processed: any `<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT` or `<!ATTLIST` is `input.unsafe_xml` (no
/// external entities, no billion laughs); only the five predefined entities and numeric character
/// references are decoded. Element nesting deeper than `maxDepth` is `input.too_large`; anything not
/// well-formed (unbalanced tags, an unknown entity, invalid UTF-8, a truncated document) is
/// `input.extraction_failed`. Line ends in text become `\n` (XML 1.0 §2.11).
struct XMLScanner {
    /// An element or attribute name: namespace URI (empty when none) and local name.
    struct Name: Hashable {
        /// The namespace URI the prefix resolves to.
        let uri: String
        /// The name without its prefix.
        let local: String
    }

    /// One thing the scanner reports, in document order.
    enum Event {
        /// A start tag (an empty-element tag reports `start` and then `end`).
        case start(Name, attributes: [Name: String])
        /// An end tag.
        case end(Name)
        /// Character data inside the root element (entities decoded, CDATA included).
        case text(String)
    }

    /// The namespace of the `xml:` prefix, bound by definition.
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// The deepest nesting accepted.
    let maxDepth: Int

    /// Scans `bytes`, calling `handle` for every event; throws the first refusal.
    func scan(_ bytes: [UInt8], _ handle: (Event) throws(DocumentError) -> Void) throws(DocumentError) {
        var cursor = Cursor(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { cursor.position = 3 }
        var open: [(qualified: String, scope: [String: String])] = []
        var sawRoot = false
        var text: [UInt8] = []
        while !cursor.atEnd {
            guard cursor.peek == UInt8(ascii: "<") else {
                try cursor.readText(into: &text)
                if !open.isEmpty, !text.isEmpty {
                    try handle(.text(try Self.string(text)))
                } else if text.contains(where: { !Self.isSpace($0) }) {
                    throw DocumentError(.extractionFailed, "XML has text outside its root element")
                }
                text.removeAll(keepingCapacity: true)
                continue
            }
            if cursor.consume("<?") {
                try cursor.skip(past: "?>", what: "processing instruction")
            } else if cursor.consume("<!--") {
                try cursor.skip(past: "-->", what: "comment")
            } else if cursor.consume("<![CDATA[") {
                let data = try cursor.take(until: "]]>", what: "CDATA section")
                guard !open.isEmpty else { throw DocumentError(.extractionFailed, "XML has CDATA outside its root element") }
                try handle(.text(try Self.string(Self.normalizeLineEnds(data))))
            } else if cursor.consume("<!") {
                throw DocumentError(.unsafeXML, "XML with a DOCTYPE or entity declaration is refused (no DTDs are processed)")
            } else if cursor.consume("</") {
                let qualified = try cursor.readName()
                cursor.skipSpaces()
                guard cursor.consume(">") else { throw DocumentError(.extractionFailed, "XML end tag </\(qualified) is not closed") }
                guard let top = open.popLast(), top.qualified == qualified else {
                    throw DocumentError(.extractionFailed, "XML end tag </\(qualified)> does not match its start tag")
                }
                try handle(.end(try Self.resolve(qualified, in: top.scope, isAttribute: false)))
            } else {
                cursor.position += 1
                guard open.count < maxDepth else {
                    throw DocumentError(.tooLarge, "XML elements nest deeper than \(maxDepth) levels")
                }
                if open.isEmpty && sawRoot { throw DocumentError(.extractionFailed, "XML has a second root element") }
                sawRoot = true
                let qualified = try cursor.readName()
                var raw: [(String, String)] = []
                var selfClosing = false
                while true {
                    let spaced = cursor.skipSpaces()
                    if cursor.consume("/>") {
                        selfClosing = true
                        break
                    }
                    if cursor.consume(">") { break }
                    guard spaced else { throw DocumentError(.extractionFailed, "XML start tag <\(qualified) is malformed") }
                    let name = try cursor.readName()
                    cursor.skipSpaces()
                    guard cursor.consume("=") else { throw DocumentError(.extractionFailed, "XML attribute \(name) has no value") }
                    cursor.skipSpaces()
                    raw.append((name, try Self.string(try cursor.readAttributeValue())))
                }
                var scope = open.last?.scope ?? ["xml": Self.xmlNamespace]
                for (name, value) in raw {
                    if name == "xmlns" { scope[""] = value } else if name.hasPrefix("xmlns:") { scope[String(name.dropFirst(6))] = value }
                }
                var attributes: [Name: String] = [:]
                for (name, value) in raw where name != "xmlns" && !name.hasPrefix("xmlns:") {
                    let resolved = try Self.resolve(name, in: scope, isAttribute: true)
                    guard attributes.updateValue(value, forKey: resolved) == nil else {
                        throw DocumentError(.extractionFailed, "XML attribute \(name) is repeated")
                    }
                }
                let element = try Self.resolve(qualified, in: scope, isAttribute: false)
                try handle(.start(element, attributes: attributes))
                if selfClosing { try handle(.end(element)) } else { open.append((qualified, scope)) }
            }
        }
        guard sawRoot, open.isEmpty else {
            throw DocumentError(.extractionFailed, sawRoot ? "the XML document is truncated (unclosed elements)" : "the XML document is empty")
        }
    }

    /// `qualified` resolved against the in-scope prefixes (unprefixed attributes have no namespace).
    static func resolve(_ qualified: String, in scope: [String: String], isAttribute: Bool) throws(DocumentError) -> Name {
        guard let colon = qualified.firstIndex(of: ":") else {
            return Name(uri: isAttribute ? "" : scope[""] ?? "", local: qualified)
        }
        let prefix = String(qualified[..<colon])
        guard let uri = scope[prefix] else { throw DocumentError(.extractionFailed, "XML prefix \(prefix) is not declared") }
        return Name(uri: uri, local: String(qualified[qualified.index(after: colon)...]))
    }

    /// `bytes` as a string, or `input.extraction_failed` when they are not UTF-8.
    static func string(_ bytes: [UInt8]) throws(DocumentError) -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw DocumentError(.extractionFailed, "the XML is not valid UTF-8")
        }
        return string
    }

    /// XML white space: space, tab, CR, LF.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// CR LF and lone CR made LF.
    static func normalizeLineEnds(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x0D) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D {
                out.append(0x0A)
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
            } else {
                out.append(bytes[i])
            }
            i += 1
        }
        return out
    }
}
