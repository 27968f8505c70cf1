import Foundation
import ZIPFoundation

/// ZIP archives built in memory for tests (ZIPFoundation), including the hostile ones a real tool
/// would not write: `..` paths, absolute paths, symbolic links, bombs.
enum TestZip {
    /// One member: its path, bytes (a symbolic link's target for `.symlink`), type and compression.
    struct Member {
        var path: String
        var bytes: [UInt8]
        var type: Entry.EntryType = .file
        var deflate = true

        init(_ path: String, _ text: String, type: Entry.EntryType = .file) {
            (self.path, self.bytes, self.type) = (path, Array(text.utf8), type)
        }

        init(_ path: String, bytes: [UInt8], deflate: Bool = true) {
            (self.path, self.bytes, self.deflate) = (path, bytes, deflate)
        }
    }

    /// The archive of `members`, in order.
    static func make(_ members: [Member]) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        for member in members {
            let bytes = member.bytes
            try archive.addEntry(
                with: member.path, type: member.type, uncompressedSize: Int64(bytes.count),
                modificationDate: Date(timeIntervalSince1970: 1_700_000_000),
                compressionMethod: member.deflate && member.type == .file ? .deflate : .none
            ) { position, size in
                let start = Int(position)
                return Data(bytes[start..<min(start + size, bytes.count)])
            }
        }
        return [UInt8](archive.data ?? Data())
    }

    /// A `.docx` whose `word/document.xml` is `xml`.
    static func docx(documentXML xml: String) throws -> [UInt8] {
        try make([
            Member("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            Member("word/document.xml", xml),
        ])
    }

    /// WordprocessingML's namespace declaration.
    static let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

    /// A `.docx` body of `paragraphs` (raw `w:p` content).
    static func docx(body: String) throws -> [UInt8] {
        try docx(documentXML: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document \(w)><w:body>\(body)</w:body></w:document>")
    }
}
