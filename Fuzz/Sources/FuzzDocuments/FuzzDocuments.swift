import FuzzSupport
import GreenmarkDocuments

/// libFuzzer entry point: the document extractors and submission exports on hostile bytes.
///
/// The first byte chooses how the rest is presented: raw under a file name (`.txt`, `.md`,
/// `.docx`, `.odt`, `.pdf`, `.html`, `.rtf`, none), as `word/document.xml` of a `.docx`, as
/// `content.xml` of an `.odt`, as HTML, as the body of an RTF file, or as the members of a ZIP export
/// (NUL-separated names and contents). Properties: nothing crashes; extraction either gives text
/// with a non-blank body, the extraction tag and a format `sniff` agrees with, the same on a second
/// run, or throws a `DocumentError`; an export never yields a path with `..`, a leading `/` or a
/// hidden component.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDocuments(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let mode = bytes[0] % 6
    let rest = Array(bytes.dropFirst())
    let limits = DocumentLimits(
        maxInputBytes: 1 << 20, maxExtractedBytes: 256 << 10, maxArchiveEntryBytes: 1 << 20, compressionRatioFloorBytes: 64 << 10,
        maxXMLDepth: 64, pdfTimeoutSeconds: 5, pdfMemoryBytes: 512 << 20, pdfCPUSeconds: 5)
    switch mode {
    case 0:
        let names: [String?] = ["a.txt", "a.md", "a.docx", "a.odt", "a.pdf", "a.html", "a.rtf", nil]
        let name = names[Int(rest.first ?? 0) % names.count]
        let payload = Array(rest.dropFirst())
        check(payload, name, limits)
        if SubmissionArchive.isArchive(payload) { checkExport(payload) }
    case 1:
        check(StoredZip.make([("[Content_Types].xml", Array("<Types/>".utf8)), ("word/document.xml", rest)]), "a.docx", limits)
    case 2:
        let mimetype = Array("application/vnd.oasis.opendocument.text".utf8)
        check(StoredZip.make([("mimetype", mimetype), ("content.xml", rest)]), "a.odt", limits)
    case 3:
        check(rest, "a.html", limits)
    case 4:
        check(Array("{\\rtf1 ".utf8) + rest, "a.rtf", limits)
    default:
        let parts = rest.split(separator: 0, omittingEmptySubsequences: false)
        var members: [(String, [UInt8])] = []
        var i = 0
        while i + 1 < parts.count {
            members.append((String(decoding: parts[i], as: UTF8.self), Array(parts[i + 1])))
            i += 2
        }
        checkExport(StoredZip.make(members))
    }
    return 0
}

/// Extracts `bytes` twice and checks the result's properties.
func check(_ bytes: [UInt8], _ name: String?, _ limits: DocumentLimits) {
    let extractor = DocumentExtractor(limits: limits)
    do {
        let document = try extractor.extract(bytes, filename: name)
        FuzzCheck.require(document.text.contains { !$0.isWhitespace }, "extraction gave blank text without input.no_text")
        FuzzCheck.require(document.extraction == DocumentExtractor.extractionTag, "extraction tag \(document.extraction)")
        FuzzCheck.require(DocumentExtractor.sniff(bytes, filename: name) == document.format, "sniff disagrees with \(document.format)")
        if document.format != .pdf {
            FuzzCheck.require((try? extractor.extract(bytes, filename: name)) == document, "a second extraction differs")
        }
    } catch {
        FuzzCheck.require(!error.reason.isEmpty, "a refusal without a reason: \(error.code)")
    }
}

/// Walks `zip` as an export and checks that every path it yields is safe.
func checkExport(_ zip: [UInt8]) {
    guard let submissions = try? SubmissionArchive(limits: SubmissionLimits(maxTotalBytes: 4 << 20)).read(zip: zip) else { return }
    for submission in submissions {
        let components = submission.path.split(separator: "/")
        FuzzCheck.require(
            !submission.path.hasPrefix("/") && !components.contains("..") && !components.contains { $0.hasPrefix(".") },
            "unsafe export path \(submission.path)")
        FuzzCheck.require(submission.error == nil || submission.data.isEmpty, "a refused file with data")
    }
}
