import Foundation

/// Canonicalizes text before detection so that transport changes and character tricks do not
/// move the score (`docs/detection.md`, "Normalization").
///
/// Version 2, in order:
/// 1. a leading byte-order mark is removed; CRLF and lone CR become LF;
/// 2. Unicode NFC;
/// 3. invisible characters (Unicode `Default_Ignorable_Code_Point`: zero-width spaces and joiners,
///    soft hyphens, bidirectional controls, variation selectors, tags) are removed;
/// 4. whitespace variants become a space (U+2028, U+2029 and U+0085 become LF), and curly,
///    low and prime quotes become `'` and `"`;
/// 5. Unicode confusables (UTS #39 data, `Data/confusables.txt`) whose prototype is ASCII are
///    mapped back: symbols and punctuation always, letters only inside words whose every letter
///    is Latin or maps to ASCII, so words of other scripts (Russian, Greek) are left alone.
///
/// Normalization is a fixed, key-independent function of the text, so it cannot raise the
/// false-positive rate: the detector's p-value is valid for any text scored without the key.
public struct TextNormalizer: Sendable {
    /// Name of this normalization, reported in detection results.
    public static let version = "greenmark-normalizer-v2"

    /// What normalization changed, counted per kind.
    public struct Changes: Codable, Sendable, Equatable {
        public var byteOrderMark = false
        /// CRLF or CR line endings converted.
        public var lineEndings = 0
        /// Whether NFC composition changed the text.
        public var composed = false
        /// Invisible characters removed.
        public var invisibleRemoved = 0
        /// Whitespace variants turned into a space or line feed.
        public var whitespaceUnified = 0
        /// Quote variants turned into ASCII quotes.
        public var quotesUnified = 0
        /// Confusable characters (homoglyphs) mapped to their ASCII prototype.
        public var confusablesMapped = 0

        public init() {}

        /// Whether anything changed.
        public var any: Bool {
            byteOrderMark || composed || lineEndings + invisibleRemoved + whitespaceUnified + quotesUnified + confusablesMapped > 0
        }

        enum CodingKeys: String, CodingKey {
            case byteOrderMark = "byte_order_mark"
            case lineEndings = "line_endings"
            case composed
            case invisibleRemoved = "invisible_removed"
            case whitespaceUnified = "whitespace_unified"
            case quotesUnified = "quotes_unified"
            case confusablesMapped = "confusables_mapped"
        }
    }

    /// The normalized text and what changed.
    public struct Output: Sendable {
        public let text: String
        public let changes: Changes
        /// Whether the text differs from the input.
        public var changed: Bool { changes.any }
    }

    /// Apply steps 2 to 5 (on by default). Off, only step 1 runs: the transport-only
    /// normalization of version 1, kept to measure what the later steps buy.
    public var robust: Bool

    public init(robust: Bool = true) {
        self.robust = robust
    }

    /// The ASCII prototype of a confusable scalar (UTS #39), if it has one.
    public static func confusablePrototype(of scalar: Unicode.Scalar) -> String? {
        ConfusablesTable.mapping[scalar.value]
    }

    /// Number of confusables whose prototype is ASCII, and the SHA-256 of the data file they come from.
    public static var confusablesData: (entries: Int, sha256: String) {
        (ConfusablesTable.mapping.count, ConfusablesTable.sourceSHA256)
    }

    static let singleQuotes: Set<UInt32> = [0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x2035, 0x02BC, 0x02B9, 0xFF07]
    static let doubleQuotes: Set<UInt32> = [0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x2036, 0x02BA, 0xFF02]

    /// Normalizes `text`.
    public func normalize(_ text: String) -> Output {
        var changes = Changes()
        // Pure ASCII without CR: nothing to do (the common case, and the fast path).
        if !text.utf8.contains(where: { $0 >= 0x80 || $0 == 0x0D }) {
            return Output(text: text, changes: changes)
        }
        var scalars = lineEndingsAndMark(text, &changes)
        // Steps 2 to 5 repeat until nothing changes, so normalizing a normalized text is a no-op:
        // removing an invisible character or mapping a confusable to ASCII can leave a base letter
        // next to a combining mark that NFC then composes (Cyrillic а + U+0301 → a + U+0301 → á;
        // e + U+200B + U+0301 → e + U+0301 → é). Every pass after the first only composes
        // what the previous one exposed; the bound is a guard (the detect fuzzer checks idempotence).
        var passes = 0
        while robust, passes < 4, scalars.contains(where: { $0.value >= 0x80 }) {
            passes += 1
            let composed = Array(String(String.UnicodeScalarView(scalars)).precomposedStringWithCanonicalMapping.unicodeScalars)
            if composed != scalars {
                changes.composed = true
                scalars = composed
            }
            scalars = unifyCharacters(scalars, &changes)
            scalars = mapConfusables(scalars, &changes)
            // NFC output is stable under NFC: another pass is needed only if steps 3 to 5 changed something.
            if scalars == composed { break }
        }
        return Output(text: changes.any ? String(String.UnicodeScalarView(scalars)) : text, changes: changes)
    }

    private func lineEndingsAndMark(_ text: String, _ changes: inout Changes) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.unicodeScalars.count)
        var pendingCR = false
        for (i, s) in text.unicodeScalars.enumerated() {
            if i == 0, s == "\u{FEFF}" {
                changes.byteOrderMark = true
                continue
            }
            if pendingCR {
                pendingCR = false
                out.append("\n")
                if s == "\n" { continue }
            }
            if s == "\r" {
                changes.lineEndings += 1
                pendingCR = true
                continue
            }
            out.append(s)
        }
        if pendingCR { out.append("\n") }
        return out
    }

    /// Steps 3 and 4: invisible characters, whitespace and quote variants.
    private func unifyCharacters(_ scalars: [Unicode.Scalar], _ changes: inout Changes) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for s in scalars {
            guard s.value >= 0x80 else {
                out.append(s)
                continue
            }
            if s.properties.isDefaultIgnorableCodePoint {
                changes.invisibleRemoved += 1
            } else if s.value == 0x2028 || s.value == 0x2029 || s.value == 0x85 {
                changes.whitespaceUnified += 1
                out.append("\n")
            } else if s.properties.isWhitespace {
                changes.whitespaceUnified += 1
                out.append(" ")
            } else if Self.singleQuotes.contains(s.value) {
                changes.quotesUnified += 1
                out.append("'")
            } else if Self.doubleQuotes.contains(s.value) {
                changes.quotesUnified += 1
                out.append("\"")
            } else {
                out.append(s)
            }
        }
        return out
    }

    /// Step 5, word by word (a word is a run of non-whitespace scalars).
    private func mapConfusables(_ scalars: [Unicode.Scalar], _ changes: inout Changes) -> [Unicode.Scalar] {
        let table = ConfusablesTable.mapping
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var start = 0
        while start < scalars.count {
            if scalars[start].properties.isWhitespace {
                out.append(scalars[start])
                start += 1
                continue
            }
            var end = start
            while end < scalars.count, !scalars[end].properties.isWhitespace { end += 1 }
            let word = scalars[start..<end]
            // Letters are mapped only when the whole word reads as Latin once mapped.
            let latinWord = word.allSatisfy { s in
                !s.properties.isAlphabetic || Self.isLatinLetter(s.value) || table[s.value] != nil
            }
            for s in word {
                if s.value >= 0x80, let prototype = table[s.value], latinWord || !s.properties.isAlphabetic {
                    changes.confusablesMapped += 1
                    out.append(contentsOf: prototype.unicodeScalars)
                } else {
                    out.append(s)
                }
            }
            start = end
        }
        return out
    }

    /// Latin-script letters: ASCII, Latin-1, Latin Extended-A/B, IPA, phonetic extensions,
    /// Latin Extended Additional, -C, -D, -E, and the Latin ligatures.
    static func isLatinLetter(_ v: UInt32) -> Bool {
        switch v {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x24F, 0x250...0x2AF,
            0x1D00...0x1DBF, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF, 0xAB30...0xAB6F, 0xFB00...0xFB06:
            return true
        default:
            return false
        }
    }
}
