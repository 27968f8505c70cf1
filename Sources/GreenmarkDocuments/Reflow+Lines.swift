extension Reflow {
    /// A line is wrapped when its length plus one plus the next line's first word's exceeds this
    /// share (in percent) of the page width: the second-longest line (one stray overlong line, such
    /// as two lines `pdftotext` merged at a hyphen, does not count), the longest below six lines. Measured on 60 State of the Union
    /// passages printed by Chromium (1,502 wrapped lines, 80 paragraph ends), with `pdftotext` and
    /// `pdftotext -raw` alike: 88 broke no wrapped line and joined 14 paragraph ends whose last line
    /// was nearly full (90: one wrapped line broken; 85: 16 ends joined).
    static let wrapPercent = 88

    /// Joins the page lines (`nil`: a blank line) into paragraphs; `hyphenated` holds the text's
    /// hyphenated spellings (`hyphenatedPairs`), looked up for a word split at a line end.
    static func joinLines(_ lines: [String?], hyphenated: Set<String>) -> String {
        let lengths = lines.compactMap { $0?.count }.sorted()
        guard !lengths.isEmpty else { return "" }
        let width = lengths[lengths.count >= 6 ? lengths.count - 2 : lengths.count - 1]
        var out = ""
        var previous: String?
        for line in lines {
            guard let line else {
                if previous != nil { out += "\n\n" }
                previous = nil
                continue
            }
            if let above = previous {
                let (dropHyphen, between) = separator(above, line, width: width, hyphenated)
                if dropHyphen { out.removeLast() }
                out += between
            }
            out += stripSoftHyphens(line)
            previous = line
        }
        return out
    }

    /// What goes between two consecutive lines (nothing, a space, a newline or a paragraph break),
    /// and whether `above`'s last character, a hyphen, was the typesetter's and goes.
    private static func separator(_ above: String, _ line: String, width: Int, _ hyphenated: Set<String>) -> (Bool, String) {
        if above.unicodeScalars.last == "\u{AD}" { return (false, "") }
        if let keepHyphen = hyphenJoin(above, line, hyphenated) { return (!keepHyphen, "") }
        if let last = above.last, last == "\u{2014}" || last == "\u{2013}", let before = above.dropLast().last, !before.isWhitespace {
            return (false, "")  // a dash glued to its word: the line broke after it
        }
        let firstWord = line.split(separator: " ").first?.count ?? 0
        if above.count + 1 + firstWord > width * wrapPercent / 100 { return (false, " ") }
        return (false, isListItem(line) ? "\n" : "\n\n")
    }

    /// For a line `above` ending in a hyphen after a letter or digit, followed by `below` starting with
    /// one: whether the hyphen stays (`true`) or was the typesetter's and goes (`false`); nil when
    /// the line does not end that way.
    static func hyphenJoin(_ above: String, _ below: String, _ hyphenated: Set<String>) -> Bool? {
        guard let hyphen = above.last, hyphen == "-" || hyphen == "\u{2010}" else { return nil }
        let left = above.dropLast()
        guard let before = left.last, before.isLetter || before.isNumber, let after = below.first, after.isLetter || after.isNumber
        else { return nil }
        guard before.isLowercase, after.isLowercase else { return true }
        let leftWord = left.split(separator: " ").last ?? left
        let rightFull = below.prefix { $0 != " " }
        guard !(leftWord + rightFull).contains(where: { $0 == "-" || $0 == "\u{2010}" }) else { return true }
        let leftLetters = String(left.reversed().prefix { $0.isLetter }.reversed())
        let rightLetters = String(below.prefix { $0.isLetter })
        return hyphenated.contains((leftLetters + "-" + rightLetters).lowercased())
    }

    /// Every `letters-letters` pair around a hyphen inside a word of `text` (`self-aware-ness` gives
    /// `self-aware` and `aware-ness`), lowercased: one pass, so a text full of line-end hyphens costs
    /// no more than any other.
    static func hyphenatedPairs(_ text: String) -> Set<String> {
        var pairs: Set<String> = []
        var run = ""
        var beforeHyphen: String?
        for c in text.lowercased() {
            if c.isLetter {
                run.append(c)
                continue
            }
            if let left = beforeHyphen, !run.isEmpty { pairs.insert(left + "-" + run) }
            beforeHyphen = (c == "-" || c == "\u{2010}") && !run.isEmpty ? run : nil
            run = ""
        }
        if let left = beforeHyphen, !run.isEmpty { pairs.insert(left + "-" + run) }
        return pairs
    }

    /// Whether `line` starts like a list item: `- `, `* `, `• `, `1. `, `1) `, `a) `.
    static func isListItem(_ line: String) -> Bool {
        let bullets: Set<Character> = ["-", "*", "\u{2022}", "\u{25AA}", "\u{25E6}", "\u{2023}", "\u{2013}"]
        var rest = Substring(line)
        if let c = rest.first, bullets.contains(c) { return rest.dropFirst().first == " " }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if (1...3).contains(digits.count) {
            rest = rest.dropFirst(digits.count)
        } else if let c = rest.first, c.isASCII, c.isLowercase {
            rest = rest.dropFirst()
            guard rest.first == ")" else { return false }
        } else {
            return false
        }
        guard let mark = rest.first, mark == "." || mark == ")" else { return false }
        return rest.dropFirst().first == " "
    }

    /// `line` without its soft hyphens (a trailing one was handled by the join).
    static func stripSoftHyphens(_ line: String) -> String {
        guard line.unicodeScalars.contains("\u{AD}") else { return line }
        return String(String.UnicodeScalarView(line.unicodeScalars.filter { $0 != "\u{AD}" }))
    }
}
