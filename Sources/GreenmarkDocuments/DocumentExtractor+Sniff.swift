/// Format detection from content: magic bytes first, ZIP members for `.docx`/`.odt`, the file
/// name only among text formats.
extension DocumentExtractor {
    /// The OpenDocument text mimetype, stored first and uncompressed in an `.odt`.
    static let odtMimetype = "application/vnd.oasis.opendocument.text"

    /// The format to read `data` as, or the refusal: binary content Greenmark does not read, a
    /// binary format claimed by the name of text content, an Office file under a password.
    static func classify(_ data: [UInt8], filename: String?, limits: DocumentLimits) throws(DocumentError) -> DocumentFormat {
        let claimed = filename.flatMap(DocumentFormat.init(fileExtensionOf:))
        let name = filename ?? "the document"
        if Self.hasPDFHeader(data) { return .pdf }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            let zip = try ZipReader(data, limits: limits)
            if let mimetype = try? zip.read("mimetype", limit: 256), String(decoding: mimetype, as: UTF8.self) == odtMimetype,
                zip.contains("content.xml")
            {
                return .odt
            }
            if zip.contains("word/document.xml") { return .docx }
            throw DocumentError(.unsupportedFormat, "\(name) is a ZIP archive but neither a .docx (word/document.xml) nor an .odt text")
        }
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            // An OLE2 compound file: a legacy .doc, or an Office document encrypted with a password
            // (the OOXML package is then the stream "EncryptedPackage").
            if Self.contains(data, Array("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })) {
                throw DocumentError(.encrypted, "\(name) is a password-protected Office document; save it without a password")
            }
            throw DocumentError(.unsupportedFormat, "\(name) is a legacy Word .doc (OLE2); save it as .docx, .odt or PDF")
        }
        if let kind = Self.binaryKind(data) {
            throw DocumentError(.unsupportedFormat, "\(name) is \(kind), not a document Greenmark reads")
        }
        if data.starts(with: Array("{\\rtf".utf8)) { return .rtf }
        if let claimed, claimed.isBinary {
            throw DocumentError(.unsupportedFormat, "\(name) is named .\(claimed.rawValue) but is not a \(claimed.rawValue) file")
        }
        if data.prefix(8192).contains(0) {
            throw DocumentError(.unsupportedFormat, "\(name) is binary data (it contains NUL bytes), not a document Greenmark reads")
        }
        if let claimed { return claimed == .rtf ? .plainText : claimed }
        return Self.looksLikeHTML(data) ? .html : .plainText
    }

    /// `%PDF-` within the first 1,024 bytes (readers accept leading junk up to there).
    static func hasPDFHeader(_ data: [UInt8]) -> Bool {
        contains(Array(data.prefix(1024)), Array("%PDF-".utf8))
    }

    /// A name for well-known non-document binary content, or nil.
    static func binaryKind(_ data: [UInt8]) -> String? {
        let magic: [(bytes: [UInt8], kind: String)] = [
            ([0x89, 0x50, 0x4E, 0x47], "a PNG image"), ([0xFF, 0xD8, 0xFF], "a JPEG image"), (Array("GIF8".utf8), "a GIF image"),
            (Array("RIFF".utf8), "a RIFF file (WebP, WAV or AVI)"), ([0x1F, 0x8B], "a gzip file"),
            (Array("7z".utf8) + [0xBC, 0xAF], "a 7-Zip archive"),
            (Array("Rar!".utf8), "a RAR archive"), ([0x7F] + Array("ELF".utf8), "an executable"), (Array("MZ".utf8), "a Windows executable"),
            ([0x49, 0x49, 0x2A, 0x00], "a TIFF image"), ([0x4D, 0x4D, 0x00, 0x2A], "a TIFF image"),
        ]
        return magic.first { data.starts(with: $0.bytes) }?.kind
    }

    /// Whether text content starts (after whitespace and a BOM) with `<!doctype html` or `<html`.
    static func looksLikeHTML(_ data: [UInt8]) -> Bool {
        var head = data.prefix(512)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head = head.dropFirst(3) }
        let start = String(decoding: head, as: UTF8.self).drop { $0.isWhitespace }.prefix(14).lowercased()
        return start.hasPrefix("<!doctype html") || start.hasPrefix("<html")
    }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
