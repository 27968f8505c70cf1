import Foundation

/// Documents made from a text for tests, the way a student hands one in: a Word document
/// (`.docx`, WordprocessingML in a ZIP), an OpenDocument text (`.odt`), an HTML page, and a PDF
/// printed by headless Chromium (as the round trip did), one paragraph per blank-line
/// separated block of the text.
public enum DocumentFixtures {
    /// Chromium is missing (`scripts/bootstrap.sh` installs it).
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "chromium is not installed (run scripts/bootstrap.sh)" }
    }

    /// The text's paragraphs: blocks separated by blank lines, inner line breaks kept as spaces.
    public static func paragraphs(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
            .map { $0.split(separator: "\n").joined(separator: " ").trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// A minimal but valid `.docx`: each paragraph a `w:p`, split into two runs mid-paragraph (as
    /// Word does at every formatting or revision change).
    public static func docx(_ text: String) -> [UInt8] {
        let body = paragraphs(text).map { p -> String in
            let cut = p.index(p.startIndex, offsetBy: p.count / 2)
            return "<w:p><w:r><w:t xml:space=\"preserve\">\(xml(String(p[..<cut])))</w:t></w:r>"
                + "<w:r><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">\(xml(String(p[cut...])))</w:t></w:r></w:p>"
        }.joined()
        return StoredZip.make([
            .init(
                "[Content_Types].xml",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
                </Types>
                """),
            .init(
                "_rels/.rels",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
                </Relationships>
                """),
            .init(
                "word/document.xml",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>\(body)</w:body></w:document>
                """),
        ])
    }

    /// A minimal `.odt`: the `mimetype` member first and stored, then `content.xml` with one `text:p` per paragraph.
    public static func odt(_ text: String) -> [UInt8] {
        let body = paragraphs(text).map { "<text:p>\(xml($0))</text:p>" }.joined()
        return StoredZip.make([
            .init("mimetype", "application/vnd.oasis.opendocument.text"),
            .init(
                "META-INF/manifest.xml",
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">\
                <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>\
                <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>\
                <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>\
                </manifest:manifest>
                """),
            .init(
                "content.xml",
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
                xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">\
                <office:body><office:text>\(body)</office:text></office:body></office:document-content>
                """),
            .init(
                "styles.xml",
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2"/>
                """),
        ])
    }

    /// An HTML page with one `p` per paragraph (the page the PDF is printed from).
    public static func html(_ text: String, title: String = "Essay") -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(xml(title))</title>
        <style>body { font: 12pt/1.5 serif; margin: 2.5cm; max-width: 16cm; }</style></head>
        <body>
        \(paragraphs(text).map { "<p>\(xml($0))</p>" }.joined(separator: "\n"))
        </body></html>

        """
    }

    /// A PDF of `html(text)` printed by headless Chromium (lines wrapped at the page's width, as
    /// any printed essay is), without Chromium's page header and footer.
    public static func pdf(_ text: String) throws -> [UInt8] {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw Missing() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("essay.html")
        let out = dir.appendingPathComponent("essay.pdf")
        try Data(html(text).utf8).write(to: page)
        let run = try Subprocess.run(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--no-pdf-header-footer",
                "--user-data-dir=" + dir.appendingPathComponent("profile").path, "--print-to-pdf=" + out.path, page.absoluteString,
            ])
        guard let bytes = FileManager.default.contents(atPath: out.path), bytes.starts(with: Array("%PDF-".utf8)) else {
            throw PrintFailed(output: run.output)
        }
        return Array(bytes)
    }

    /// Chromium printed no PDF.
    public struct PrintFailed: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "chromium printed no PDF: \(output.suffix(2000))" }
    }

    /// `s` with the five XML special characters escaped.
    public static func xml(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&apos;")
    }
}
