/// The byte cursor of `XMLScanner`: names, attribute values, text with entity references.
extension XMLScanner {
    /// A position in the XML bytes.
    struct Cursor {
        /// The document.
        let bytes: [UInt8]
        /// The next byte to read.
        var position = 0

        /// Whether every byte has been read.
        var atEnd: Bool { position >= bytes.count }
        /// The next byte (0 at the end).
        var peek: UInt8 { position < bytes.count ? bytes[position] : 0 }

        /// Consumes `literal` if the bytes continue with it.
        mutating func consume(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count else { return false }
            let matches = literal.withUTF8Buffer { literal in
                (0..<count).allSatisfy { bytes[position + $0] == literal[$0] }
            }
            if matches { position += count }
            return matches
        }

        /// Skips white space; whether there was any.
        @discardableResult
        mutating func skipSpaces() -> Bool {
            let start = position
            while position < bytes.count, XMLScanner.isSpace(bytes[position]) { position += 1 }
            return position > start
        }

        /// Skips past `terminator`, or `input.extraction_failed` when it never comes.
        mutating func skip(past terminator: StaticString, what: String) throws(DocumentError) {
            _ = try take(until: terminator, what: what)
        }

        /// The bytes before `terminator`, consuming both.
        mutating func take(until terminator: StaticString, what: String) throws(DocumentError) -> [UInt8] {
            let start = position
            while position < bytes.count {
                let here = position
                if consume(terminator) { return Array(bytes[start..<here]) }
                position += 1
            }
            throw DocumentError(.extractionFailed, "an XML \(what) is not closed (truncated document)")
        }

        /// An element or attribute name (any bytes up to white space, `/`, `>`, `=`, quotes, `<`, `&`).
        mutating func readName() throws(DocumentError) -> String {
            let start = position
            while position < bytes.count {
                let b = bytes[position]
                if XMLScanner.isSpace(b) || b == UInt8(ascii: "/") || b == UInt8(ascii: ">") || b == UInt8(ascii: "=")
                    || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "<") || b == UInt8(ascii: "&")
                {
                    break
                }
                position += 1
            }
            guard position > start, position < bytes.count else {
                throw DocumentError(.extractionFailed, position >= bytes.count ? "the XML document is truncated" : "an XML name is missing")
            }
            return try XMLScanner.string(Array(bytes[start..<position]))
        }

        /// A quoted attribute value with its references decoded and white space normalized to spaces.
        mutating func readAttributeValue() throws(DocumentError) -> [UInt8] {
            let quote = peek
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw DocumentError(.extractionFailed, "an XML attribute value is not quoted")
            }
            position += 1
            var out: [UInt8] = []
            while position < bytes.count {
                let b = bytes[position]
                if b == quote {
                    position += 1
                    return out
                }
                if b == UInt8(ascii: "<") { throw DocumentError(.extractionFailed, "an XML attribute value contains <") }
                if b == UInt8(ascii: "&") {
                    out += try readReference()
                } else {
                    out.append(XMLScanner.isSpace(b) ? 0x20 : b)
                    position += 1
                }
            }
            throw DocumentError(.extractionFailed, "an XML attribute value is not closed (truncated document)")
        }

        /// Character data up to the next `<`, references decoded, line ends normalized, appended to `out`.
        mutating func readText(into out: inout [UInt8]) throws(DocumentError) {
            while position < bytes.count {
                let b = bytes[position]
                if b == UInt8(ascii: "<") { break }
                if b == UInt8(ascii: "&") {
                    out += try readReference()
                } else if b == 0x0D {
                    out.append(0x0A)
                    position += 1
                    if peek == 0x0A { position += 1 }
                } else {
                    out.append(b)
                    position += 1
                }
            }
        }

        /// A reference at `&`: one of the five predefined entities or a character reference, as UTF-8.
        mutating func readReference() throws(DocumentError) -> [UInt8] {
            let start = position + 1
            var end = start
            while end < bytes.count, end - start <= 10, bytes[end] != UInt8(ascii: ";") { end += 1 }
            guard end < bytes.count, bytes[end] == UInt8(ascii: ";") else {
                throw DocumentError(.extractionFailed, "an XML entity reference is not terminated by ;")
            }
            let name = String(decoding: bytes[start..<end], as: UTF8.self)
            position = end + 1
            switch name {
            case "lt": return [UInt8(ascii: "<")]
            case "gt": return [UInt8(ascii: ">")]
            case "amp": return [UInt8(ascii: "&")]
            case "quot": return [UInt8(ascii: "\"")]
            case "apos": return [UInt8(ascii: "'")]
            default:
                let value: UInt32? =
                    name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : name.hasPrefix("#") ? UInt32(name.dropFirst(), radix: 10) : nil
                guard let value, let scalar = Unicode.Scalar(value), value != 0, !name.contains("+"), !name.contains("-") else {
                    throw DocumentError(.extractionFailed, "the XML entity &\(name); is not one of the five predefined ones or a character reference")
                }
                return Array(String(Character(scalar)).utf8)
            }
        }
    }
}
