/// Tags and comments of `HTMLReader`.
extension HTMLReader {
    /// A tag (or comment, DOCTYPE, processing instruction) and where it ends.
    struct Tag {
        /// The element name, lowercased ("" for comments and declarations).
        var name = ""
        /// `</name>`.
        var isClosing = false
        /// `<name/>`.
        var selfClosing = false
        /// A comment, DOCTYPE or processing instruction: not an element.
        var isComment = false
        /// The index after the tag's `>`.
        var end = 0

        /// The tag starting at `start` (a `<`), or nil when the `<` is text (`a < b`).
        static func parse(_ bytes: [UInt8], at start: Int) -> Tag? {
            var tag = Tag()
            var i = start + 1
            guard i < bytes.count else { return nil }
            if bytes[i...].starts(with: Array("!--".utf8)) {
                tag.isComment = true
                tag.end = find(Array("-->".utf8), in: bytes, from: i + 3).map { $0 + 3 } ?? bytes.count
                return tag
            }
            if bytes[i] == UInt8(ascii: "!") || bytes[i] == UInt8(ascii: "?") {
                tag.isComment = true
                tag.end = (bytes[i...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count - 1) + 1
                return tag
            }
            if bytes[i] == UInt8(ascii: "/") {
                tag.isClosing = true
                i += 1
            }
            guard i < bytes.count, isLetter(bytes[i]) else { return nil }
            let nameStart = i
            while i < bytes.count, isLetter(bytes[i]) || (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == UInt8(ascii: "-") { i += 1 }
            tag.name = String(decoding: bytes[nameStart..<i], as: UTF8.self).lowercased()
            var quote: UInt8 = 0
            while i < bytes.count {
                let b = bytes[i]
                if quote != 0 {
                    if b == quote { quote = 0 }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                } else if b == UInt8(ascii: ">") {
                    tag.selfClosing = i > start && bytes[i - 1] == UInt8(ascii: "/")
                    tag.end = i + 1
                    return tag
                }
                i += 1
            }
            tag.end = bytes.count
            return tag
        }

        /// The index after `</name>` following `from` (the end of the input when it never comes).
        static func skipContent(of name: String, in bytes: [UInt8], from: Int) -> Int {
            let closing = Array("</\(name)".utf8)
            var i = from
            while let at = find([UInt8(ascii: "<"), UInt8(ascii: "/")], in: bytes, from: i) {
                if at + closing.count <= bytes.count,
                    zip(bytes[at..<(at + closing.count)], closing).allSatisfy({ lower($0) == $1 })
                {
                    return (bytes[at...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count - 1) + 1
                }
                i = at + 2
            }
            return bytes.count
        }

        /// The first index of `needle` in `bytes` at or after `from`.
        static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
            guard !needle.isEmpty, from >= 0 else { return nil }
            var i = from
            while i + needle.count <= bytes.count {
                if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
                i += 1
            }
            return nil
        }

        /// ASCII letters.
        static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        /// ASCII lowercase.
        static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
    }
}
