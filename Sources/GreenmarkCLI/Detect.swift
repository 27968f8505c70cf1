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

    @Argument(help: ArgumentHelp("Text file to score; - or nothing reads standard input.", valueName: "file"))
    var file: String?

    @OptionGroup var home: HomeOptions

    @Flag(help: "Print the result as JSON.") var json = false
    @Flag(name: .customLong("no-mask"), help: "Leave the per-token mask out of the JSON.") var noMask = false
    @Option(help: "Key id to score under (default: every primary and enabled key, Bonferroni-corrected).") var key: String?
    @Option(help: "z-score threshold for a watermarked verdict.") var threshold: Double = DetectorConfiguration.default.zThreshold
    @Option(name: .customLong("min-tokens"), help: "Fewest scored tokens for a verdict other than too short.")
    var minTokens: Int = DetectorConfiguration.default.minimumScoredTokens
    @Flag(name: .customLong("search-spans"), help: "Also look for a watermarked span inside a longer text (p-value corrected for the search).")
    var searchSpans = false
    @OptionGroup var model: ModelOptions

    func validate() throws {
        guard threshold.isFinite else { throw ValidationError("--threshold must be a finite number") }
        guard minTokens >= 1 else { throw ValidationError("--min-tokens must be at least 1") }
    }

    func run() throws {
        let text = try InputReader.readText(path: file)
        let keyring = try home.store.load()
        let keys = try key.map { id throws(GreenmarkError) in [try keyring.key(id: id)] } ?? keyring.detectionKeys
        let tokenizer = try model.tokenizer()
        var configuration = DetectorConfiguration.default
        configuration.zThreshold = threshold
        configuration.minimumScoredTokens = minTokens
        configuration.searchSpans = searchSpans
        let detector = Detector(tokenizer: tokenizer, configuration: configuration)
        let result = try detector.detect(text, keys: keys, includeMask: json && !noMask)
        print(json ? try JSONOutput.encode(result) : DetectionReport.plainText(result))
    }
}
