/// An exact Swift port, for printable ASCII text, of llama.cpp's pre-tokenizer for the
/// "smollm" vocabulary type: the regex `\p{N}` (every digit alone), then
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` within each
/// fragment (llama.cpp's `unicode_regex_split_custom_gpt2`). BPE never merges across these
/// words, so a text's tokens are the concatenation of its words' tokens.
///
/// Only bytes 0x20...0x7E, TAB, LF and CR are handled (their Unicode classes are unambiguous);
/// `words(in:)` returns nil for anything else and the caller uses llama.cpp itself.
enum GPT2PreTokenizer {
    private enum Class { case letter, number, whitespace, other }

    private static func classify(_ b: UInt8) -> Class? {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return .letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case 0x20, 0x09, 0x0A, 0x0D: return .whitespace
        case 0x21...0x7E: return .other
        default: return nil
        }
    }

    /// The byte ranges of the pre-tokenizer's words, or nil when the text has a byte outside the
    /// handled set.
    static func words(in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var classes = [Class](repeating: .other, count: bytes.count)
        for i in 0..<bytes.count {
            guard let c = classify(bytes[i]) else { return nil }
            classes[i] = c
        }
        var words: [Range<Int>] = []
        words.reserveCapacity(bytes.count / 4)
        // First regex: every digit is its own fragment; the text between digits is one fragment.
        var start = 0
        for i in 0..<bytes.count where classes[i] == .number {
            if start < i { split(bytes, classes, start..<i, into: &words) }
            words.append(i..<(i + 1))
            start = i + 1
        }
        if start < bytes.count { split(bytes, classes, start..<bytes.count, into: &words) }
        return words
    }

    /// `unicode_regex_split_custom_gpt2` on one fragment.
    private static func split(_ b: UnsafeBufferPointer<UInt8>, _ classes: [Class], _ fragment: Range<Int>, into words: inout [Range<Int>]) {
        let end = fragment.upperBound
        func cls(_ p: Int) -> Class? { p < end ? classes[p] : nil }
        func cpt(_ p: Int) -> UInt8? { p < end ? b[p] : nil }
        var previous = fragment.lowerBound
        func add(_ e: Int) {
            if e > previous { words.append(previous..<e) }
            previous = e
        }
        var pos = fragment.lowerBound
        while pos < end {
            let c = b[pos]
            // 's|'t|'re|'ve|'m|'ll|'d
            if c == UInt8(ascii: "'"), pos + 1 < end {
                let n = b[pos + 1]
                if n == UInt8(ascii: "s") || n == UInt8(ascii: "t") || n == UInt8(ascii: "m") || n == UInt8(ascii: "d") {
                    add(pos + 2)
                    pos += 2
                    continue
                }
                if pos + 2 < end {
                    let nn = b[pos + 2]
                    if (n == UInt8(ascii: "r") && nn == UInt8(ascii: "e")) || (n == UInt8(ascii: "v") && nn == UInt8(ascii: "e"))
                        || (n == UInt8(ascii: "l") && nn == UInt8(ascii: "l"))
                    {
                        add(pos + 3)
                        pos += 3
                        continue
                    }
                }
            }
            let next = c == 0x20 ? cls(pos + 1) : classes[pos]
            if next == .letter || next == .number {
                // <space>?\p{L}+ and <space>?\p{N}+
                if c == 0x20 { pos += 1 }
                while cls(pos) == next { pos += 1 }
                add(pos)
                continue
            }
            if next == .other {
                // <space>?[^\s\p{L}\p{N}]+
                if c == 0x20 { pos += 1 }
                while cls(pos) == .other { pos += 1 }
                add(pos)
                continue
            }
            var spaces = 0
            while cls(pos + spaces) == .whitespace { spaces += 1 }
            // \s+(?!\S): a run of whitespace before a non-space keeps its last one for the next word.
            if spaces > 1, cpt(pos + spaces) != nil {
                pos += spaces - 1
                add(pos)
                continue
            }
            // \s+
            if spaces > 0 {
                pos += spaces
                add(pos)
                continue
            }
            pos += 1
            add(pos)
        }
    }
}
