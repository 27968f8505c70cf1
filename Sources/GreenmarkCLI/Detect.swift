import ArgumentParser
import Foundation
import GreenmarkCore
import GreenmarkModel

/// `greenmark detect`: score a text for the watermark and explain the verdict.
struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a text for the Greenmark watermark.",
        discussion: """
            Re-tokenizes the text with the model's tokenizer, counts green tokens under the watermark \
            key, and reports the z-score, the exact binomial p-value and a verdict. "No watermark \
            found" never means "written by a human". Documents are scored on their extracted text \
            (greenmark extract shows it; docs/documents.md says what each format keeps). A scanned PDF \
            has no text layer: it is refused (input.no_text), never called unwatermarked.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "Essays to score: .txt, .md, .docx, .odt, .pdf, .html or .rtf files (format read from the content), directories of them, or an LMS export (.zip or a folder of per-student folders); - or nothing reads standard input.",
            valueName: "file-or-dir"))
    var inputs: [String] = []

    @OptionGroup var home: HomeOptions

    @Flag(help: "Print the result as JSON.") var json = false
    @Flag(name: .customLong("no-mask"), help: "Leave the per-token mask out of the JSON.") var noMask = false
    @Option(help: "Key id to score under (default: every primary and enabled key, Bonferroni-corrected).") var key: String?
    @Option(help: "z-score threshold for a watermarked verdict.") var threshold: Double = DetectorConfiguration.default.zThreshold
    @Option(name: .customLong("min-tokens"), help: "Fewest scored tokens for a verdict other than too short.")
    var minTokens: Int = DetectorConfiguration.default.minimumScoredTokens
    @Flag(name: .customLong("search-spans"), help: "Also look for a watermarked span inside a longer text (p-value corrected for the search).")
    var searchSpans = false
    @Option(help: ArgumentHelp("Write an HTML report (summary, z histogram, one row per essay).", valueName: "path"))
    var report: String?
    @Option(help: ArgumentHelp("Write a CSV report, one row per essay.", valueName: "path"))
    var csv: String?
    @OptionGroup var model: ModelOptions

    /// Batch mode: several inputs, a directory, or a report requested.
    var isBatch: Bool {
        inputs.count > 1 || report != nil || csv != nil
            || inputs.contains {
                var d: ObjCBool = false
                return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && d.boolValue
            }
    }

    func validate() throws {
        if inputs.count > 1, inputs.contains("-") { throw ValidationError("standard input (-) cannot be mixed with files") }
        guard threshold.isFinite else { throw ValidationError("--threshold must be a finite number") }
        guard minTokens >= 1 else { throw ValidationError("--min-tokens must be at least 1") }
    }

    func run() throws {
        if isBatch { return try runBatch() }
        var skipped: [String] = []
        if let path = inputs.first, path != "-", let export = try BatchInput.export(at: path, skipped: &skipped) {
            return try runBatch(export, skipped: skipped)
        }
        let input = try DocumentInput.read(path: inputs.first)
        let keys = try home.detectionKeys(id: key)
        let detector = try makeDetector()
        let result = try detector.detect(input.text, keys: keys, includeMask: json && !noMask)
        if json {
            print(try JSONOutput.encode(DetectionOutput(result: result, document: input.summary)))
        } else {
            print((input.isExtracted ? "Text \(input.provenance)\n" : "") + DetectionReport.plainText(result))
        }
    }

    func makeDetector() throws -> Detector {
        var configuration = DetectorConfiguration.default
        configuration.zThreshold = threshold
        configuration.minimumScoredTokens = minTokens
        configuration.searchSpans = searchSpans
        return Detector(tokenizer: try model.tokenizer(), configuration: configuration)
    }

    /// Scores `prepared` (an export already opened) or every essay `inputs` names, and writes the reports.
    func runBatch(_ prepared: [BatchInput]? = nil, skipped: [String] = []) throws {
        var skipped = skipped
        let essays = try prepared ?? BatchInput.collect(inputs, skipped: &skipped)
        let keys = try home.detectionKeys(id: key)
        let batch = BatchDetection(detector: try makeDetector(), keys: keys)
        let bar = ProgressBar()
        let rows = batch.run(essays) { done, total, _ in bar.update("detect", done, total) }
        bar.finish()
        if !skipped.isEmpty {
            let listed = skipped.prefix(5).joined(separator: ", ") + (skipped.count > 5 ? ", …" : "")
            FileHandle.standardError.write(
                Data("greenmark: note: \(skipped.count) other files left out (not a document Greenmark reads): \(listed)\n".utf8))
        }
        if let csv { try BatchDetection.csv(rows).write(toFile: csv, atomically: true, encoding: .utf8) }
        if let report { try BatchReportHTML.render(rows, keys: keys.count).write(toFile: report, atomically: true, encoding: .utf8) }
        print(json ? try JSONOutput.encode(rows) : BatchDetection.summaryText(rows))
        let failed = rows.filter { $0.result == nil }.count
        if failed > 0 {
            throw GreenmarkError(.unreadableInput, "\(failed) of \(rows.count) files could not be scored (see the report)")
        }
    }
}
