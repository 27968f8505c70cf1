import Foundation
import GreenmarkDocuments
import Testing

/// Plain text and format detection.
@Suite("Document extraction")
struct DocumentExtractorTests {
    @Test("UTF-8 text is read with its BOM removed")
    func plainText() throws {
        let document = try DocumentExtractor().extract([0xEF, 0xBB, 0xBF] + Array("Hello\r\nworld".utf8), filename: "a.txt")
        #expect(document.format == .plainText)
        #expect(document.text.contains("Hello"))
    }
}
