/// `.rtf`: the plain text of the body.
///
/// Kept: text, `\par` and `\sect` as paragraph ends, `\line` as a line break, `\tab` and table cells
/// as tabs, `\uN` Unicode characters (skipping `\ucN` fallback characters), `\'hh` bytes read as
/// Windows-1252, and the typographic control words (quotes, dashes, bullet, no-break space).
/// Dropped: every destination that is not body text (font, colour and style tables, document info,
/// pictures, objects, headers, footers, footnotes, annotations, field instructions, and any `{\*…}`
/// group), and formatting. Group nesting deeper than `maxXMLDepth` is `input.too_large`.
struct RTFReader {
    /// Destinations whose content is not body text.
    static let skippedDestinations: Set<String> = [
        "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "headerl", "headerr", "headerf", "footer",
        "footerl", "footerr", "footerf", "footnote", "fldinst", "themedata", "colorschememapping", "datastore",
        "latentstyles", "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnsdecl", "annotation", "atnid",
        "atnauthor", "filetbl", "revtbl", "bkmkstart", "bkmkend", "pgdsctbl", "listtext", "pntext", "pntxta", "pntxtb",
        "xe", "tc", "txe", "field", "fldrslt",
    ]
    /// Control words that stand for one character.
    static let characters: [String: String] = [
        "tab": "\t", "cell": "\t", "line": "\n", "emdash": "\u{2014}", "endash": "\u{2013}", "lquote": "\u{2018}",
        "rquote": "\u{2019}", "ldblquote": "\u{201C}", "rdblquote": "\u{201D}", "bullet": "\u{2022}", "emspace": "\u{2003}",
        "enspace": "\u{2002}", "qmspace": "\u{2005}",
    ]
    /// Windows-1252's characters for 0x80...0x9F (U+FFFD where undefined).
    static let windows1252: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD,
        0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    /// The limits reads run under.
    let limits: DocumentLimits

    /// One group's state.
    private struct Group {
        var skip = false
        var unicodeSkip = 1
    }

    /// The raw text of the RTF `data`.
    func read(_ data: [UInt8]) throws(DocumentError) -> String {
        var groups = [Group()]
        var paragraphs: [String] = []
        var current = ""
        var total = 0
        var pendingSkip = 0
        var highSurrogate: UInt32?
        var i = 0
        func emit(_ s: String) {
            guard !(groups.last?.skip ?? true) else { return }
            current += s
        }
        func emit(scalar value: UInt32) {
            if value >= 0xD800 && value < 0xDC00 {
                highSurrogate = value
                return
            }
            var v = value
            if value >= 0xDC00 && value < 0xE000, let high = highSurrogate {
                v = 0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00)
            }
            highSurrogate = nil
            emit(String(Character(Unicode.Scalar(v) ?? "\u{FFFD}")))
        }
        func byteScalar(_ b: UInt8) -> UInt32 { b >= 0x80 && b < 0xA0 ? Self.windows1252[Int(b - 0x80)] : UInt32(b) }
        func endParagraph() throws(DocumentError) {
            guard !(groups.last?.skip ?? true) else { return }
            if current.contains(where: { !$0.isWhitespace }) {
                total += current.utf8.count + 2
                guard total <= limits.maxExtractedBytes else {
                    throw DocumentError(.tooLarge, "the extracted text passes \(limits.maxExtractedBytes) bytes")
                }
                paragraphs.append(current)
            }
            current = ""
        }
        while i < data.count {
            let b = data[i]
            i += 1
            switch b {
            case UInt8(ascii: "{"):
                guard groups.count < limits.maxXMLDepth else {
                    throw DocumentError(.tooLarge, "RTF groups nest deeper than \(limits.maxXMLDepth) levels")
                }
                groups.append(groups[groups.count - 1])
                pendingSkip = 0
            case UInt8(ascii: "}"):
                if groups.count > 1 { groups.removeLast() }
                pendingSkip = 0
            case 0x0D, 0x0A:
                continue
            case UInt8(ascii: "\\"):
                guard i < data.count else { break }
                let c = data[i]
                if Self.isLetter(c) {
                    let start = i
                    while i < data.count, Self.isLetter(data[i]) { i += 1 }
                    let word = String(decoding: data[start..<i], as: UTF8.self)
                    let numberStart = i
                    if i < data.count, data[i] == UInt8(ascii: "-") { i += 1 }
                    while i < data.count, data[i] >= 0x30, data[i] <= 0x39, i - numberStart < 11 { i += 1 }
                    let parameter = Int(String(decoding: data[numberStart..<i], as: UTF8.self))
                    if i < data.count, data[i] == 0x20 { i += 1 }
                    if pendingSkip > 0 && word != "u" {
                        pendingSkip -= 1
                        continue
                    }
                    switch word {
                    case "par", "sect", "row", "page": try endParagraph()
                    case "uc": groups[groups.count - 1].unicodeSkip = max(0, min(parameter ?? 1, 8))
                    case "u":
                        if let parameter { emit(scalar: UInt32(truncatingIfNeeded: parameter < 0 ? parameter + 65536 : parameter)) }
                        pendingSkip = groups[groups.count - 1].unicodeSkip
                    case "bin": i = min(data.count, i + max(0, parameter ?? 0))
                    default:
                        if Self.skippedDestinations.contains(word) {
                            groups[groups.count - 1].skip = true
                        } else if let character = Self.characters[word] {
                            emit(character)
                        }
                    }
                } else {
                    i += 1
                    switch c {
                    case UInt8(ascii: "'"):
                        let hex = i + 2 <= data.count ? UInt8(String(decoding: data[i..<(i + 2)], as: UTF8.self), radix: 16) : nil
                        i = min(data.count, i + 2)
                        if pendingSkip > 0 {
                            pendingSkip -= 1
                        } else if let hex {
                            emit(scalar: byteScalar(hex))
                        }
                    case UInt8(ascii: "*"): groups[groups.count - 1].skip = true
                    case UInt8(ascii: "~"): emit("\u{A0}")
                    case UInt8(ascii: "_"): emit("-")
                    case 0x0D, 0x0A: try endParagraph()
                    case UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                        if pendingSkip > 0 { pendingSkip -= 1 } else { emit(String(Character(Unicode.Scalar(c)))) }
                    default: break
                    }
                }
            default:
                if pendingSkip > 0 {
                    pendingSkip -= 1
                } else {
                    emit(scalar: byteScalar(b))
                }
            }
        }
        try endParagraph()
        return paragraphs.joined(separator: "\n\n")
    }

    /// ASCII letters.
    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
}
