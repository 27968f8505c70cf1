import Foundation

/// docs/test-vectors/unicode-14.0-assigned.txt and the copy embedded in certs/verify.html.
enum UnicodeTable {
    static func parse(_ lines: some Sequence<Substring>, separator: String) -> [(Int, Int)] {
        lines.compactMap { line -> (Int, Int)? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty, !t.hasPrefix("#") else { return nil }
            let parts = t.components(separatedBy: separator)
            guard let a = Int(parts[0], radix: 16), let b = Int(parts.count > 1 ? parts[1] : parts[0], radix: 16) else { return (-1, -1) }
            return (a, b)
        }
    }

    static func file() throws -> [(Int, Int)] {
        let text = try String(
            contentsOf: BrowserVerifierTests.repo.appendingPathComponent("docs/test-vectors/unicode-14.0-assigned.txt"), encoding: .utf8)
        return parse(text.split(whereSeparator: \.isNewline), separator: "..")
    }

    /// The ranges between "const UNICODE_14_ASSIGNED = `" and "`;" in the page.
    static func page() throws -> [(Int, Int)] {
        let html = try String(contentsOf: BrowserVerifierTests.page, encoding: .utf8)
        guard let start = html.range(of: "const UNICODE_14_ASSIGNED = `"), let end = html.range(of: "`;", range: start.upperBound..<html.endIndex)
        else {
            throw Browser.Failure(description: "verify.html has no UNICODE_14_ASSIGNED table")
        }
        return parse(html[start.upperBound..<end.lowerBound].split(whereSeparator: \.isWhitespace), separator: "-")
    }
}
