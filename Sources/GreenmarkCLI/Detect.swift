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
            found" never means "written by a human".
            """
    )

    @Argument(
        help: ArgumentHelp("Text files or directories (.txt and .md inside) to score; - or nothing reads standard input.", valueName: "file-or-dir"))
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
        let text = try InputReader.readText(path: inputs.first)
        let keys = try home.detectionKeys(id: key)
        let detector = try makeDetector()
        let result = try detector.detect(text, keys: keys, includeMask: json && !noMask)
        print(json ? try JSONOutput.encode(result) : DetectionReport.plainText(result))
    }

    func makeDetector() throws -> Detector {
        var configuration = DetectorConfiguration.default
        configuration.zThreshold = threshold
        configuration.minimumScoredTokens = minTokens
        configuration.searchSpans = searchSpans
        return Detector(tokenizer: try model.tokenizer(), configuration: configuration)
    }

    func runBatch() throws {
        let files = try BatchDetection.collect(inputs)
        let keys = try home.detectionKeys(id: key)
        let batch = BatchDetection(detector: try makeDetector(), keys: keys)
        let bar = ProgressBar()
        let rows = batch.run(files: files) { done, total, _ in bar.update("detect", done, total) }
        bar.finish()
        if let csv { try BatchDetection.csv(rows).write(toFile: csv, atomically: true, encoding: .utf8) }
        if let report { try BatchReportHTML.render(rows, keys: keys.count).write(toFile: report, atomically: true, encoding: .utf8) }
        print(json ? try JSONOutput.encode(rows) : BatchDetection.summaryText(rows))
        let failed = rows.filter { $0.result == nil }.count
        if failed > 0 {
            throw GreenmarkError(.unreadableInput, "\(failed) of \(rows.count) files could not be scored (see the report)")
        }
    }
}
