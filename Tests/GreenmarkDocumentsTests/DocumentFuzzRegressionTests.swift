import Foundation
import GreenmarkDocuments
import Testing

/// Inputs FuzzDocuments (Fuzz/, `bash scripts/fuzz.sh documents`) found, kept as regressions.
@Suite("Fuzz regressions: documents and submission exports")
struct DocumentFuzzRegressionTests {
    /// crash-825d0968…: a two-member LMS export whose central directory puts a member's local
    /// header past the end of the data. ZIPFoundation's in-memory backend trapped on it (a hostile
    /// upload would have killed the daemon); since session 9 `ZipReader` parses the directory itself
    /// and refuses the archive before any member is read.
    static let memberOffsetPastEnd =
        "504b030414000000080047ab815dff6a95550c0000000a00000026000000416e6e5f315f61737369676e7375626d697373696f6e5f66696c655f2f65737361792e747874732d2e4eac54c8cf4bd50300504b030414000000080047ab815db1f884f2130000001100000012000000626f625f325f335f65737361792e68746d6cb329b0732d2e4eac542829cfd7b3d12fb00300504b0102140314000000080047ab815dff6a95550c00001100000012000000000000000000000080ffb0000000626f625f325f335f65737361792e68746d6c504b0506000000000200020094000000930000000000"

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    @Test("a member offset past the end of a ZIP: refused as damaged, as a document and as an export")
    func memberOffsetPastEnd() {
        let data = Self.bytes(Self.memberOffsetPastEnd)
        #expect(!SubmissionArchive.isArchive(data), "a damaged ZIP is no export to walk")
        #expect(throws: DocumentError(.extractionFailed, "")) { try DocumentExtractor().extract(data, filename: nil) }
        #expect(throws: DocumentError(.extractionFailed, "")) { try SubmissionArchive().read(zip: data) }
    }
}
