import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkDocuments

/// `greenmark verify CERT --text DOC`: the text a certificate is about may be given as the document
/// it was certified from (`.docx`, `.odt`, `.pdf`, `.html`, `.rtf`) or as the extracted text itself.
/// A document's extracted text is tried first, then (for text formats such as HTML) its bytes as
/// they are; the report says which one matched the certificate's digest.
extension Verify {
    /// One reading of the `--text` file: its bytes as given to the verifier and how they were read.
    struct TextReading {
        let bytes: [UInt8]
        /// "extracted from report.docx (docx, documents-v1+…)" or "report.txt as is".
        let description: String
    }

    /// `--text`, as every reading worth trying, in order: a document's extracted text, then the bytes
    /// as they are unless the file is a binary document. nil without `--text`.
    func textReadings() throws -> [TextReading]? {
        guard let path = text else { return nil }
        // One byte over the larger limit is enough to refuse: nothing is truncated.
        let limit = max(CertificateVerifier.maximumTextBytes, DocumentLimits.default.maxInputBytes) + 1
        let bytes = try Self.read(path, limit: limit)
        let name = (path as NSString).lastPathComponent
        let asIs = TextReading(bytes: bytes, description: "\(name) as is")
        switch DocumentExtractor.sniff(bytes, filename: name) {
        case nil, .plainText?, .markdown?:
            return [asIs]
        case let format?:
            do {
                let document = try DocumentExtractor(limits: .default).extract(bytes, filename: name)
                let extracted = TextReading(
                    bytes: Array(document.text.utf8), description: "extracted from \(name) (\(document.format.rawValue), \(document.extraction))")
                return format.isBinary ? [extracted] : [extracted, asIs]
            } catch {
                FileHandle.standardError.write(
                    Data("greenmark: note: no text could be extracted from \(name): \(error.reason) [\(error.code.rawValue)]; checked as is\n".utf8))
                return [asIs]
            }
        }
    }

    /// Runs `verify` on each reading of `--text` until one matches the certificate's digest; the
    /// report of that reading (or of the first, when none matches) and its description.
    func verifyText(_ verify: ([UInt8]?) throws -> VerificationReport) throws -> (VerificationReport, String?) {
        guard let readings = try textReadings() else { return (try verify(nil), nil) }
        var first: (VerificationReport, String)?
        for reading in readings {
            let report = try verify(reading.bytes)
            if report.checks.contains(where: { $0.verificationCode == .textDigestMatch && $0.passed }) {
                return (report, reading.description)
            }
            if first == nil { first = (report, reading.description) }
        }
        return first!
    }

    /// The JSON of a report with `text_source`: which reading of `--text` it was checked against.
    struct ReportWithText: Encodable {
        let report: VerificationReport
        let textSource: String

        private enum Key: String, CodingKey { case textSource = "text_source" }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(textSource, forKey: .textSource)
        }
    }
}
