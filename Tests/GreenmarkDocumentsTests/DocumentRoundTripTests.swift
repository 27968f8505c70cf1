import Foundation
import Testing

@testable import GreenmarkDocuments

/// A watermarked text (SmolLM2-135M-Instruct, default key, from `scripts/eval_documents.sh`) handed
/// in as a PDF printed by headless Chromium, a `.docx` and an `.odt` made by pandoc: extraction plus
/// reflow gives back exactly the text, so the tokens and the z-score are the `.txt`'s
/// (`Fixtures/reflow/README.md` says how the files were made).
@Suite("Document round trip")
struct DocumentRoundTripTests {
    static let directory = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/reflow")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        try String(decoding: bytes(name), as: UTF8.self)
    }

    @Test("The PDF, .docx and .odt of a watermarked text read back as exactly the text", arguments: ["pdf", "docx", "odt"])
    func exactText(format: String) throws {
        let document = try DocumentExtractor().extract(Self.bytes("watermarked.\(format)"), filename: "essay.\(format)")
        #expect(document.format.rawValue == format)
        #expect(document.extraction == "documents-v1+reflow-v1")
        #expect(document.text == (try Self.text("watermarked.txt")))
    }

    @Test("Without the reflow the PDF's text is hard-wrapped: single newlines where the text has spaces")
    func pdfNeedsReflow() throws {
        var notes: [String] = []
        let raw = try PDFReader(limits: .default).read(Self.bytes("watermarked.pdf"), notes: &notes)
        let original = try Self.text("watermarked.txt")
        #expect(raw != original)
        #expect(raw.split(separator: "\n").count > original.split(separator: "\n").count + 10)
        #expect(Reflow.apply(raw, format: .pdf) == original)
    }

    @Test("Chromium's headers and footers (date, title, URL, page x/3) are dropped from a three-page PDF")
    func headersAndFooters() throws {
        var notes: [String] = []
        let raw = try PDFReader(limits: .default).read(Self.bytes("headers-footers.pdf"), notes: &notes)
        #expect(raw.contains("2/3") && raw.contains("file://"))
        #expect(raw.unicodeScalars.filter { $0 == "\u{0C}" }.count >= 3)
        let document = try DocumentExtractor().extract(Self.bytes("headers-footers.pdf"), filename: "essay.pdf")
        #expect(document.text == (try Self.text("headers-footers.txt")))
    }
}
