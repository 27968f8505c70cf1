import Foundation
import GreenmarkDocuments
import Testing

/// Every format's fixture (made by `Fixtures/make-fixtures.sh` from `essay.md` with pandoc, headless
/// Chromium and qpdf) gives the essay's paragraphs; detection goes by content.
@Suite("Document extraction")
struct DocumentExtractorTests {
    /// The fixtures folder.
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    /// A fixture's bytes.
    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    /// The essay's paragraphs (blank-line separated blocks of `essay.md`).
    static func essayParagraphs() throws -> [String] {
        String(decoding: try fixture("essay.md"), as: UTF8.self).components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    @Test("UTF-8 text is read with its BOM removed and CRLF made LF; markdown keeps its markup")
    func plainText() throws {
        let document = try DocumentExtractor().extract([0xEF, 0xBB, 0xBF] + Array("Hello\r\nworld".utf8), filename: "a.txt")
        #expect(document.format == .plainText)
        #expect(document.text == "Hello\nworld")
        #expect(document.notes.contains { $0.contains("byte-order mark") })
        #expect(document.extraction == DocumentExtractor.extractionTag)
        let markdown = try DocumentExtractor().extract(Array("# Title\n\n*Essay* text.".utf8), filename: "essay.md")
        #expect(markdown.format == .markdown && markdown.text == "# Title\n\n*Essay* text.")
    }

    @Test("invalid UTF-8 text is refused with input.invalid_encoding")
    func invalidUTF8() {
        #expect(throws: DocumentError(.invalidEncoding, "")) {
            try DocumentExtractor().extract(Array("caf".utf8) + [0xE9, 0x20] + Array("latin-1".utf8), filename: "a.txt")
        }
    }

    @Test("a text without anything but white space is input.no_text")
    func whiteSpaceOnly() {
        #expect(throws: DocumentError(.noText, "")) { try DocumentExtractor().extract(Array(" \n\n\t ".utf8), filename: "a.txt") }
    }

    @Test(".docx, .odt, .html and .rtf give the essay's paragraphs, separated by blank lines", arguments: ["docx", "odt", "html", "rtf"])
    func structuredFormats(_ ext: String) throws {
        let document = try DocumentExtractor().extract(try Self.fixture("essay.\(ext)"), filename: "essay.\(ext)")
        #expect(document.format.rawValue == ext)
        var paragraphs = document.text.components(separatedBy: "\n\n")
        if ext == "html", paragraphs.first == "Essay" { paragraphs.removeFirst() }  // pandoc's title header
        #expect(paragraphs == (try Self.essayParagraphs()))
    }

    @Test("a PDF printed by Chromium gives the essay's words, in order")
    func pdf() throws {
        let document = try DocumentExtractor().extract(try Self.fixture("essay.pdf"), filename: "essay.pdf")
        #expect(document.format == .pdf)
        let words = document.text.split(whereSeparator: \.isWhitespace)
        let expected = (try Self.essayParagraphs()).joined(separator: " ").split(whereSeparator: \.isWhitespace)
        #expect(words.suffix(expected.count).elementsEqual(expected), "\(document.text)")
    }

    @Test("the format is taken from the content: a PDF named .docx is read as a PDF, with a note")
    func contentBeatsExtension() throws {
        let document = try DocumentExtractor().extract(try Self.fixture("essay.pdf"), filename: "essay.docx")
        #expect(document.format == .pdf)
        #expect(document.notes.contains { $0.contains("named .docx") })
        #expect(DocumentExtractor.sniff(try Self.fixture("essay.odt"), filename: "essay.txt") == .odt)
        #expect(DocumentExtractor.sniff(try Self.fixture("essay.docx"), filename: nil) == .docx)
        #expect(DocumentExtractor.sniff(try Self.fixture("essay.rtf"), filename: "essay.txt") == .rtf)
        #expect(DocumentExtractor.sniff(try Self.fixture("essay.html"), filename: nil) == .html)
        #expect(DocumentExtractor.sniff(Array("plain words".utf8), filename: "notes.html") == .html)
        #expect(DocumentExtractor.sniff(Array("plain words".utf8), filename: nil) == .plainText)
    }

    @Test("extraction is deterministic: the same bytes give the same text")
    func deterministic() throws {
        for name in ["essay.docx", "essay.odt", "essay.pdf", "essay.html", "essay.rtf"] {
            let bytes = try Self.fixture(name)
            #expect(try DocumentExtractor().extract(bytes, filename: name) == (try DocumentExtractor().extract(bytes, filename: name)))
        }
    }
}
