import Foundation
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkDocuments

#if canImport(Glibc)
    import Glibc
#endif

/// `greenmark detect` over many essays: one row per file, a summary, and CSV/HTML reports.
struct BatchDetection {
    /// One scored (or unreadable) file.
    struct Row: Encodable {
        let file: String
        var result: DetectionResult?
        var errorCode: String?
        var errorMessage: String?
        /// The submission (per-student folder) the file belongs to, for files found in a folder or an export.
        var submission: String? = nil
        /// The format the file was read as, and the extraction's version (nil: plain text as is).
        var format: String? = nil
        var extraction: String? = nil
        /// How the tables name the row (`BatchInput.label`).
        var label: String? = nil

        enum CodingKeys: String, CodingKey {
            case file, result, submission, format, extraction
            case errorCode = "error_code"
            case errorMessage = "error_message"
        }

        /// The row's name in the text table and the HTML report.
        var name: String { label ?? file }
    }

    /// Counts per outcome.
    struct Summary: Encodable {
        let files: Int
        let watermarked: Int
        let noWatermark: Int
        let tooShort: Int
        let errors: Int

        init(rows: [Row]) {
            files = rows.count
            watermarked = rows.filter { $0.result?.verdict == .watermarked }.count
            noWatermark = rows.filter { $0.result?.verdict == .noWatermark }.count
            tooShort = rows.filter { $0.result?.verdict == .tooShort }.count
            errors = rows.filter { $0.result == nil }.count
        }

        enum CodingKeys: String, CodingKey {
            case files, watermarked, errors
            case noWatermark = "no_watermark"
            case tooShort = "too_short"
        }
    }

    let detector: Detector
    let keys: [WatermarkKey]

    /// Scores every essay; one that cannot be read, extracted or scored becomes an error row.
    func run(_ inputs: [BatchInput], progress: (Int, Int, String) -> Void) -> [Row] {
        var rows: [Row] = []
        for (i, input) in inputs.enumerated() {
            progress(i, inputs.count, input.file)
            var row = Row(file: input.file, result: nil, errorCode: nil, errorMessage: nil, submission: input.submission, label: input.label)
            do {
                let document = try input.read()
                (row.format, row.extraction) = (document.format.rawValue, document.extraction)
                row.result = try detector.detect(document.text, keys: keys, includeMask: false)
            } catch let error as any CodedError {
                (row.errorCode, row.errorMessage) = (error.code.rawValue, error.reason)
            } catch {
                (row.errorCode, row.errorMessage) = (GreenmarkError.Code.unreadableInput.rawValue, "\(error)")
            }
            rows.append(row)
        }
        progress(inputs.count, inputs.count, "")
        return rows
    }

    /// RFC 4180 CSV, one row per file. Every cell goes through `cell(_:)`, so no file name, key id
    /// or error message can become a spreadsheet formula (OWASP "CSV Injection").
    static func csv(_ rows: [Row]) -> String {
        var out = "file,tokens_scored,green_tokens,z_score,p_value,verdict,key_id,span_tokens,normalized,error,submission,format,extraction\r\n"
        for row in rows {
            let r = row.result
            let fields: [String] = [
                row.file, r.map { String($0.tokensScored) } ?? "", r.map { String($0.greenTokens) } ?? "",
                r.map { String(format: "%.4f", $0.zScore) } ?? "", r.map { String(format: "%.6g", $0.pValue) } ?? "",
                r?.verdict.rawValue ?? "error", r?.keyID ?? "", r?.span.map { "\($0.tokenStart)-\($0.tokenEnd)" } ?? "",
                r.map { $0.normalized ? "yes" : "no" } ?? "", row.errorCode.map { "\($0): \(row.errorMessage ?? "")" } ?? "",
                row.submission ?? "", row.format ?? "", row.extraction ?? "",
            ]
            out += fields.map(cell).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// Characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as a
    /// formula or a DDE command when a cell starts with them (OWASP "CSV Injection"): `=`, `+`,
    /// `-`, `@`, tab and carriage return, plus line feed and the full-width forms of the first four,
    /// which some applications fold to ASCII.
    static let formulaTriggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]

    /// One CSV field (RFC 4180). A field that could start a formula — its first character, or its
    /// first after leading spaces, is a trigger — gets a leading `'` (shown as text, not evaluated)
    /// and is always quoted; a plain decimal number (a negative z-score) is left as a number.
    static func cell(_ field: String) -> String {
        let quoted = { (value: String) in "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        if let first = field.first(where: { $0 != " " }), formulaTriggers.contains(first), !isPlainNumber(field) {
            return quoted("'" + field)
        }
        return field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? quoted(field) : field
    }

    /// `-12.5`, `3`, `1.2e-05`: what the report's own numeric columns hold.
    static func isPlainNumber(_ field: String) -> Bool {
        field.wholeMatch(of: /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/) != nil
    }

    /// Plain-text summary for standard output.
    static func summaryText(_ rows: [Row]) -> String {
        let s = Summary(rows: rows)
        var lines = [
            "Scored \(s.files - s.errors) of \(s.files) files:",
            "  \(s.watermarked) very likely generated by a Greenmark-watermarked model",
            "  \(s.noWatermark) no watermark found (this does NOT show that a human wrote them)",
            "  \(s.tooShort) too short to decide",
        ]
        if s.errors > 0 { lines.append("  \(s.errors) could not be read (see the error column)") }
        lines.append("")
        let width = min(60, max(4, rows.map(\.name.count).max() ?? 4))
        lines.append("FILE".padding(toLength: width, withPad: " ", startingAt: 0) + "  TOKENS        Z         P  VERDICT")
        for row in rows {
            let name = row.name.count > width ? "…" + row.name.suffix(width - 1) : row.name
            let padded = name.padding(toLength: width, withPad: " ", startingAt: 0)
            if let r = row.result {
                let read = row.extraction == nil ? "" : " (\(row.format ?? ""))"
                lines.append(padded + String(format: "  %6d  %7.2f  %8.2e  ", r.tokensScored, r.zScore, r.pValue) + r.verdict.rawValue + read)
            } else {
                lines.append(padded + "  error: \(row.errorMessage ?? "") [\(row.errorCode ?? "")]")
            }
        }
        return lines.joined(separator: "\n")
    }
}
