extension Reflow {
    /// Rule 3: the pages of `text` (separated by form feeds) without running headers, footers and
    /// page numbers, their lines joined into paragraphs.
    static func reflowPages(_ text: String) -> String {
        var pages = splitPages(text)
        removeRunningLines(&pages)
        removePageMarks(&pages)
        // One sequence of lines, a nil for each run of blank lines inside a page; a page break is an
        // ordinary line boundary (paragraphs continue across pages).
        var lines: [String?] = []
        for page in pages {
            guard let first = page.firstIndex(where: { !$0.isEmpty }), let last = page.lastIndex(where: { !$0.isEmpty }) else { continue }
            for line in page[first...last] {
                if !line.isEmpty {
                    lines.append(line)
                } else if let previous = lines.last, previous != nil {
                    lines.append(nil)
                }
            }
        }
        return joinLines(lines, hyphenated: hyphenatedPairs(text))
    }

    /// The pages of `text` (split at form feeds), each a list of trimmed lines (split at LF, CRLF or CR).
    static func splitPages(_ text: String) -> [[String]] {
        var pages: [[String]] = []
        var lines: [String] = []
        var line = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            if scalar == "\n" && afterCR { continue }
            guard scalar == "\n" || scalar == "\r" || scalar == "\u{0C}" else {
                line.append(scalar)
                continue
            }
            lines.append(trimmed(Substring(String(line))))
            line = String.UnicodeScalarView()
            if scalar == "\u{0C}" {
                pages.append(lines)
                lines = []
            }
        }
        lines.append(trimmed(Substring(String(line))))
        pages.append(lines)
        return pages
    }

    /// `line` without leading and trailing spaces and tabs.
    static func trimmed(_ line: Substring) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = line.firstIndex(where: { !isBlank($0) }), let end = line.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(line[start...end])
    }

    /// Drops running headers and footers: a line that, digits aside, is among the first (last) two
    /// non-empty lines of more than half of the non-empty pages, and of at least two.
    static func removeRunningLines(_ pages: inout [[String]]) {
        let zones: [[[Int]]] = pages.map { page in
            let filled = page.indices.filter { !page[$0].isEmpty }
            return [Array(filled.prefix(2)), Array(filled.suffix(2))]
        }
        let nonEmpty = zones.filter { !$0[0].isEmpty }.count
        guard nonEmpty >= 2 else { return }
        for zone in 0..<2 {
            var pagesWith: [String: Int] = [:]
            for (p, page) in pages.enumerated() {
                for key in Set(zones[p][zone].map { runningKey(page[$0]) }) { pagesWith[key, default: 0] += 1 }
            }
            let running = Set(pagesWith.filter { $0.value >= 2 && 2 * $0.value > nonEmpty }.keys)
            guard !running.isEmpty else { continue }
            for p in pages.indices {
                for i in zones[p][zone] where running.contains(runningKey(pages[p][i])) { pages[p][i] = "" }
            }
        }
    }

    /// A line compared across pages: lowercased, every run of digits as `#`, spaces collapsed.
    static func runningKey(_ line: String) -> String {
        var key = ""
        var previous: Character = " "
        for c in line.lowercased() {
            let mapped: Character = c.isWhitespace ? " " : (c.isASCII && c.isNumber ? "#" : c)
            if (mapped == " " || mapped == "#") && mapped == previous { continue }
            key.append(mapped)
            previous = mapped
        }
        return key
    }

    /// Drops page marks among a page's first two and last two non-empty lines: a page number, a URL
    /// or a date and time standing alone (what a browser prints in its page header and footer).
    static func removePageMarks(_ pages: inout [[String]]) {
        for p in pages.indices {
            let filled = pages[p].indices.filter { !pages[p][$0].isEmpty }
            for i in Set(filled.prefix(2) + filled.suffix(2)) {
                let line = pages[p][i]
                if isPageNumber(line) || isURL(line) || isDateTime(line) { pages[p][i] = "" }
            }
        }
    }

    /// Whether `line` is one URL and nothing else (`https://…`, `http://…`, `file://…`, `www.…`).
    static func isURL(_ line: String) -> Bool {
        let lower = line.lowercased()
        guard !lower.contains(" ") else { return false }
        return ["https://", "http://", "file://", "www."].contains { lower.hasPrefix($0) && lower.count > $0.count }
    }

    /// Whether `line` is only a date and/or time: digits in at least two groups joined by `/ . - :`,
    /// commas and spaces, optionally `AM` or `PM` (`12/1/26, 9:25 PM`, `2026-12-01`, `01.12.2026 21:25`).
    static func isDateTime(_ line: String) -> Bool {
        var rest = Substring(line.uppercased())
        if rest.hasSuffix(" AM") || rest.hasSuffix(" PM") { rest = rest.dropLast(3) }
        guard rest.count <= 24, rest.contains(where: { "/-:.".contains($0) }) else { return false }
        var groups = 0
        var inDigits = false
        for c in rest {
            if c.isASCII && c.isNumber {
                if !inDigits { groups += 1 }
                inDigits = true
            } else if "/-:., ".contains(c) {
                inDigits = false
            } else {
                return false
            }
        }
        return groups >= 2 && rest.first.map { $0.isNumber } == true
    }

    /// Whether `line` is only a page number: `7`, `- 7 -`, `(7)`, `[7]`, `Page 7`, `7 of 12`, `7/12`
    /// (at most four digits per number).
    static func isPageNumber(_ line: String) -> Bool {
        var rest = Substring(line.lowercased())
        if rest.hasPrefix("page ") { rest = rest.dropFirst(5) }
        let opening: Set<Character> = ["-", "\u{2013}", "\u{2014}", "(", "["]
        let closing: Set<Character> = ["-", "\u{2013}", "\u{2014}", ")", "]"]
        rest = rest.drop { $0 == " " }
        if let c = rest.first, opening.contains(c) { rest = rest.dropFirst().drop { $0 == " " } }
        guard takeNumber(&rest) else { return false }
        rest = rest.drop { $0 == " " }
        if rest.hasPrefix("of") || rest.hasPrefix("/") {
            rest = rest.dropFirst(rest.hasPrefix("of") ? 2 : 1).drop { $0 == " " }
            guard takeNumber(&rest) else { return false }
            rest = rest.drop { $0 == " " }
        }
        if let c = rest.first, closing.contains(c) { rest = rest.dropFirst().drop { $0 == " " } }
        return rest.isEmpty
    }

    /// Consumes one to four ASCII digits from the front of `rest`.
    private static func takeNumber(_ rest: inout Substring) -> Bool {
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard (1...4).contains(digits.count) else { return false }
        rest = rest.dropFirst(digits.count)
        return true
    }
}
