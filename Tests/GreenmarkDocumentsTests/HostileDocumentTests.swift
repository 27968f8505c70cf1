import Foundation
import GreenmarkDocuments
import Testing

/// Hostile documents refuse with a specific code, without crashing and without reading past the
/// limits: ZIP bombs, XML with DTDs or deep nesting, damaged archives, disguised files, encrypted,
/// scanned, oversized and malformed PDFs.
@Suite("Hostile documents")
struct HostileDocumentTests {
    /// The code `extract` refuses `data` with (nil when it is read).
    static func refusal(_ data: [UInt8], _ filename: String?, limits: DocumentLimits = .default) -> DocumentError.Code? {
        do {
            _ = try DocumentExtractor(limits: limits).extract(data, filename: filename)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("a ZIP bomb (16 MiB of zeros deflated ~1000:1) stops at the compression-ratio limit: input.too_large")
    func zipBomb() throws {
        let bomb = try TestZip.make([
            .init("word/document.xml", bytes: [UInt8](repeating: 0x20, count: 16 << 20))
        ])
        #expect(bomb.count < 100_000)
        #expect(Self.refusal(bomb, "bomb.docx") == .tooLarge)
    }

    @Test("a member larger than maxArchiveEntryBytes stops while inflating: input.too_large")
    func memberLimit() throws {
        let docx = try TestZip.docx(body: "<w:p><w:r><w:t>\(String(repeating: "words ", count: 2000))</w:t></w:r></w:p>")
        #expect(Self.refusal(docx, "a.docx") == nil)
        #expect(Self.refusal(docx, "a.docx", limits: DocumentLimits(maxArchiveEntryBytes: 4096)) == .tooLarge)
    }

    @Test("XML nested deeper than maxXMLDepth: input.too_large")
    func deepNesting() throws {
        let depth = 100_000
        let docx = try TestZip.docx(body: String(repeating: "<w:p>", count: depth) + String(repeating: "</w:p>", count: depth))
        #expect(Self.refusal(docx, "deep.docx") == .tooLarge)
    }

    @Test("an external entity (XXE) is refused before anything is read: input.unsafe_xml")
    func externalEntity() throws {
        let docx = try TestZip.docx(
            documentXML: """
                <?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <w:document \(TestZip.w)><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>
                """)
        #expect(Self.refusal(docx, "xxe.docx") == .unsafeXML)
    }

    @Test("billion laughs is refused at its DOCTYPE: input.unsafe_xml")
    func billionLaughs() throws {
        var dtd = "<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">"
        for i in 1...9 { dtd += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">" }
        dtd += "]>"
        let odt = try TestZip.make([
            .init("mimetype", bytes: Array("application/vnd.oasis.opendocument.text".utf8), deflate: false),
            .init(
                "content.xml",
                "<?xml version=\"1.0\"?>\(dtd)<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
                    + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:text><text:p>&lol9;</text:p>"
                    + "</office:text></office:body></office:document-content>"),
        ])
        #expect(DocumentExtractor.sniff(odt, filename: nil) == .odt)
        #expect(Self.refusal(odt, "lol.odt") == .unsafeXML)
    }

    @Test(
        "XML that is not well-formed: input.extraction_failed",
        arguments: [
            "<w:p><w:r><w:t>unknown &nbsp; entity</w:t></w:r></w:p>", "<w:p><w:r><w:t>unclosed</w:r></w:p>",
            "<w:p><w:r><w:t>bad &#0; reference</w:t></w:r></w:p>", "<w:p><x:r>undeclared prefix</x:r></w:p>",
        ])
    func malformedXML(_ body: String) throws {
        #expect(Self.refusal(try TestZip.docx(body: body), "bad.docx") == .extractionFailed)
    }

    @Test("a truncated .docx: input.extraction_failed")
    func truncatedZip() throws {
        let docx = try DocumentExtractorTests.fixture("essay.docx")
        #expect(Self.refusal(Array(docx.prefix(docx.count / 2)), "essay.docx") == .extractionFailed)
    }

    @Test("a PNG named .docx, a ZIP that is no document, a legacy .doc: input.unsupported_format")
    func disguised() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        #expect(Self.refusal(png, "essay.docx") == .unsupportedFormat)
        #expect(Self.refusal(try TestZip.make([.init("photo.jpg", "not really")]), "essay.docx") == .unsupportedFormat)
        let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)
        #expect(Self.refusal(ole, "essay.doc") == .unsupportedFormat)
        #expect(Self.refusal(Array("just text".utf8), "essay.pdf") == .unsupportedFormat)
        #expect(Self.refusal([UInt8](repeating: 0, count: 64), nil) == .unsupportedFormat)
    }

    @Test("a password-protected Office file (OLE2 with an EncryptedPackage stream) and PDF: input.encrypted")
    func encrypted() throws {
        let stream = "EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let office: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 1016) + stream
        #expect(Self.refusal(office, "essay.docx") == .encrypted)
        #expect(Self.refusal(try DocumentExtractorTests.fixture("encrypted.pdf"), "essay.pdf") == .encrypted)
    }

    @Test("a scanned PDF (an image, no text layer): input.no_text")
    func scanned() throws {
        #expect(Self.refusal(try DocumentExtractorTests.fixture("scanned.pdf"), "scan.pdf") == .noText)
    }

    @Test("a PDF over maxInputBytes, or whose text passes maxExtractedBytes: input.too_large")
    func hugePDF() throws {
        let huge = Array("%PDF-1.7\n".utf8) + [UInt8](repeating: 0x20, count: DocumentLimits.default.maxInputBytes)
        #expect(Self.refusal(huge, "huge.pdf") == .tooLarge)
        let pdf = try DocumentExtractorTests.fixture("essay.pdf")
        #expect(Self.refusal(pdf, "essay.pdf", limits: DocumentLimits(maxExtractedBytes: 200)) == .tooLarge)
    }

    @Test("a malformed PDF (truncated, or a header over garbage): input.extraction_failed")
    func malformedPDF() throws {
        let pdf = try DocumentExtractorTests.fixture("essay.pdf")
        #expect(Self.refusal(Array(pdf.prefix(3000)), "essay.pdf") == .extractionFailed)
        #expect(Self.refusal(Array("%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage".utf8), "x.pdf") == .extractionFailed)
    }

    @Test("pdftotext past its address-space limit: input.too_large; missing: input.extractor_unavailable")
    func pdfLimits() throws {
        let pdf = try DocumentExtractorTests.fixture("essay.pdf")
        #expect(Self.refusal(pdf, "essay.pdf", limits: DocumentLimits(pdfMemoryBytes: 8 << 20)) == .tooLarge)
        #expect(Self.refusal(pdf, "essay.pdf", limits: DocumentLimits(pdftotextPath: "/nonexistent/pdftotext")) == .extractorUnavailable)
    }

    @Test("a PDF reader that hangs is killed at the wall-clock limit, one that spins at the CPU limit: input.extraction_timeout")
    func pdfTimeouts() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("greenmark-doc-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sleeper = try Self.script("#!/bin/sh\nexec sleep 60\n", at: directory.appendingPathComponent("sleeper"))
        let spinner = try Self.script("#!/bin/sh\nwhile :; do :; done\n", at: directory.appendingPathComponent("spinner"))
        let pdf = try DocumentExtractorTests.fixture("essay.pdf")
        #expect(Self.refusalOfScript(pdf, limits: DocumentLimits(pdfTimeoutSeconds: 1, pdftotextPath: sleeper)) == .extractionTimeout)
        #expect(
            Self.refusalOfScript(pdf, limits: DocumentLimits(pdfTimeoutSeconds: 60, pdfCPUSeconds: 1, pdftotextPath: spinner))
                == .extractionTimeout)
    }

    /// Writes an executable script through a close-on-exec descriptor; returns its path.
    static func script(_ text: String, at url: URL) throws -> String {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o700)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
        return url.path
    }

    /// The refusal of `pdf` read by a freshly written script. A process another test forks at the moment
    /// the script is written holds a copy of its write descriptor until that process executes, and
    /// Linux refuses to execute a file open for writing (ETXTBSY, "Text file busy", which prlimit
    /// reports as a failed read): that harness race alone is retried.
    static func refusalOfScript(_ pdf: [UInt8], limits: DocumentLimits) -> DocumentError.Code? {
        for _ in 0..<10 {
            do {
                _ = try DocumentExtractor(limits: limits).extract(pdf, filename: "a.pdf")
                return nil
            } catch  where error.code == .extractionFailed && error.message.contains("Text file busy") {
                Thread.sleep(forTimeInterval: 0.2)
            } catch {
                return error.code
            }
        }
        return .extractionFailed
    }

    @Test("reading a PDF or a ZIP-based document leaves no temporary directory behind")
    func temporaryDirectoryRemoved() throws {
        func leftovers() throws -> Set<String> {
            Set(
                try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path).filter {
                    $0.hasPrefix("greenmark-pdf-") || $0.hasPrefix("greenmark-zip-")
                })
        }
        let before = try leftovers()
        _ = try DocumentExtractor().extract(try DocumentExtractorTests.fixture("essay.pdf"), filename: "essay.pdf")
        _ = Self.refusal(try DocumentExtractorTests.fixture("encrypted.pdf"), "essay.pdf")
        _ = try DocumentExtractor().extract(try DocumentExtractorTests.fixture("essay.docx"), filename: "essay.docx")
        // Other tests and CLI runs may be reading PDFs in parallel: their directories come and go.
        // Only one that stays (it was never removed) fails this.
        var remaining = try leftovers().subtracting(before)
        for _ in 0..<100 where !remaining.isEmpty {
            Thread.sleep(forTimeInterval: 0.1)
            remaining = try leftovers().intersection(remaining)
        }
        #expect(remaining.isEmpty)
    }
}
