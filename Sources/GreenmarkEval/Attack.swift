import GreenmarkModel

/// Edits an adversary (or an ordinary editor) makes to a watermarked text, with a strength in [0, 1].
public enum Attack: String, Codable, Sendable, CaseIterable {
    /// Delete each word with probability `strength`.
    case wordDeletion = "word_deletion"
    /// Replace each word, with probability `strength`, by a word drawn from a list of common words.
    case wordSubstitution = "word_substitution"
    /// Swap each pair of adjacent words with probability `strength`.
    case wordSwap = "word_swap"
    /// Replace each Latin letter with a Cyrillic look-alike with probability `strength`.
    case homoglyph
    /// Insert a zero-width space after each character with probability `strength`.
    case zeroWidth = "zero_width"
    /// Keep only a `1 - strength` share of the watermarked text and surround it with human text
    /// (copy-paste of a watermarked span into a human essay).
    case copyPaste = "copy_paste"

    static let commonWords = [
        "the", "of", "and", "to", "in", "is", "that", "it", "was", "for", "on", "are", "as", "with",
        "they", "be", "at", "one", "have", "this", "from", "by", "hot", "word", "but", "what", "some",
        "we", "can", "out", "other", "were", "all", "there", "when", "up", "use", "your", "how",
        "said", "an", "each", "she", "which", "do", "their", "time", "if", "will", "way", "about",
    ]

    static let homoglyphs: [Character: Character] = [
        "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у",
        "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М",
        "O": "О", "P": "Р", "T": "Т", "X": "Х", "i": "і", "j": "ј", "s": "ѕ",
    ]

    /// Applies the attack; `human` supplies the surrounding text for copy-paste.
    public func apply(to text: String, strength: Double, human: String, using rng: inout SeededRandom) -> String {
        switch self {
        case .wordDeletion:
            return words(text).filter { _ in rng.unit() >= strength }.joined(separator: " ")
        case .wordSubstitution:
            return words(text).map { rng.unit() < strength ? Self.commonWords[Int(rng.next() % UInt64(Self.commonWords.count))] : $0 }
                .joined(separator: " ")
        case .wordSwap:
            var w = words(text)
            var i = 0
            while i + 1 < w.count {
                if rng.unit() < strength {
                    w.swapAt(i, i + 1)
                    i += 2
                } else {
                    i += 1
                }
            }
            return w.joined(separator: " ")
        case .homoglyph:
            return String(
                text.map { c in
                    if let h = Self.homoglyphs[c], rng.unit() < strength { return h }
                    return c
                })
        case .zeroWidth:
            var out = ""
            for c in text {
                out.append(c)
                if rng.unit() < strength { out.append("\u{200B}") }
            }
            return out
        case .copyPaste:
            let w = words(text)
            let keep = max(1, Int((Double(w.count) * (1 - strength)).rounded()))
            let start = w.count > keep ? Int(rng.next() % UInt64(w.count - keep + 1)) : 0
            let span = w[start..<(start + min(keep, w.count))].joined(separator: " ")
            let h = words(human)
            let before = h.prefix(h.count / 2).joined(separator: " ")
            let after = h.suffix(h.count - h.count / 2).joined(separator: " ")
            return [before, span, after].filter { !$0.isEmpty }.joined(separator: " ")
        }
    }

    private func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
    }
}
