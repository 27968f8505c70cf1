import ArgumentParser
import Foundation
import GreenmarkCore
import GreenmarkEval
import GreenmarkModel

/// `greenmark eval fairness`: per-key false-positive skew of every scheme on human text.
struct EvalFairness: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fairness",
        abstract: "Measure how far single keys' false-positive rates on human text stray from the nominal rate.",
        discussion: """
            Scores every human passage under each of many published evaluation keys (key 0 is the key of \
            docs/evaluation.md), per scheme, with the default detector: detection only, no generation. Reports per \
            scheme and α the median, 95th and 99th percentile of per-key false-positive rate / α, what a fair key \
            would show, and a test of dispersion in excess of binomial. The documented run \
            (docs/results/fairness.md) takes about 30 minutes on 2 cores; build in release mode.
            """
    )

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Schemes as prf:h (e.g. lefthash-v1:1 selfhash-v1:4).", valueName: "prf:h"))
    var schemes: [String] = ["lefthash-v1:1", "lefthash-v1:4", "selfhash-v1:4"]
    @Option(name: .customLong("keys"), help: "Keys per scheme.") var keyCount: Int = 200
    @Option(parsing: .upToNextOption, help: "Per-text significance levels at which false positives are counted.") var alphas: [Double] = [
        1e-2, 1e-3,
    ]
    @Option(name: .customLong("human-passages"), help: "At most this many passages.") var humanPassages: Int?
    @Option(name: .customLong("human-min-words"), help: "Words per human passage.") var humanMinWords: Int = 200
    @Option(name: .customLong("through-year"), help: "Keep documents of this year or earlier (0: all).") var throughYear: Int = 1945
    @Option(parsing: .upToNextOption, help: "Also summarize the first n passages.") var subsets: [Int] = [2000]
    @Option(name: .customLong("human-dir"), help: "Directory of human-written .txt documents.") var humanDirectory: String = HumanCorpus
        .defaultDirectory
    @Option(help: "Worker threads (default: the number of cores).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Fair-key replicates for the Monte Carlo dispersion test.") var replicates: Int = 10_000
    @Option(name: [.short, .long], help: "Write the JSON report here.") var output: String?
    @OptionGroup var model: ModelOptions

    func validate() throws {
        guard keyCount >= 2, keyCount <= 100_000 else { throw ValidationError("--keys must be in 2...100000") }
        guard !alphas.isEmpty, alphas.allSatisfy({ $0 > 0 && $0 < 1 }) else { throw ValidationError("every alpha must be in (0, 1)") }
        guard humanPassages.map({ $0 >= 1 }) ?? true, humanMinWords >= 1 else {
            throw ValidationError("--human-passages and --human-min-words must be >= 1")
        }
        guard subsets.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--subsets must be >= 1") }
        guard jobs >= 1, jobs <= 256 else { throw ValidationError("--jobs must be in 1...256") }
        guard replicates >= 0, replicates <= 1_000_000 else { throw ValidationError("--replicates must be in 0...1000000") }
        _ = try parsedSchemes()
    }

    func parsedSchemes() throws -> [WatermarkScheme] { try SchemeSpec.parse(schemes) }

    func run() throws {
        var config = FairnessEvaluation.Configuration()
        config.schemes = try parsedSchemes()
        config.keys = keyCount
        config.alphas = alphas
        config.passages = humanPassages
        config.humanMinimumWords = humanMinWords
        config.throughYear = throughYear > 0 ? throughYear : nil
        config.subsets = subsets
        config.humanDirectory = humanDirectory
        config.jobs = jobs
        config.replicates = replicates
        let bar = SharedProgressBar()
        let report = try FairnessEvaluation(tokenizer: model.tokenizer(), configuration: config).run(progress: bar.update)
        bar.finish()
        let json = try JSONOutput.encode(report)
        if let output { try json.write(toFile: output, atomically: true, encoding: .utf8) }
        print(report.markdownTable())
    }
}

/// A progress bar that worker threads may update.
private final class SharedProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let bar = ProgressBar()

    @Sendable func update(_ stage: String, _ done: Int, _ total: Int) {
        lock.lock()
        defer { lock.unlock() }
        bar.update(stage, done, total)
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        bar.finish()
    }
}
