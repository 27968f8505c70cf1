import ArgumentParser
import Foundation
import GreenmarkCore
import GreenmarkEval
import GreenmarkModel

/// `greenmark eval robustness`: detection under edits, homoglyphs, zero-width characters and
/// pasting, per seeding scheme, and the false-positive rate of every detection mode.
struct EvalRobustness: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "robustness",
        abstract: "Measure detection under attacks and pasting, and false positives of every mode, on the real model.",
        discussion: """
            Uses the published evaluation keys. Build in release mode. The documented run \
            (scripts/robustness.sh, docs/robustness.md) takes about 30 minutes on 2 cores.
            """
    )

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Schemes as prf:h (e.g. lefthash-v1:1 selfhash-v1:4).", valueName: "prf:h"))
    var schemes: [String] = ["lefthash-v1:1", "selfhash-v1:4"]
    @Option(help: "Number of prompts.") var prompts: Int = 60
    @Option(help: "Generations per prompt (different seeds).") var seeds: Int = 2
    @Option(name: .customLong("max-tokens"), help: "Tokens per generation.") var maxTokens: Int = 200
    @Option(name: .customLong("human-passages"), help: "Human passages for the false-positive rates.") var humanPassages: Int = 1000
    @Option(name: .customLong("human-min-words"), help: "Words per human passage.") var humanMinWords: Int = 500
    @Option(name: .customLong("human-dir"), help: "Directory of human-written .txt documents.") var humanDirectory: String = HumanCorpus
        .defaultDirectory
    @Option(name: .customLong("keys"), help: "Keys in the multi-key mode.") var keyCount: Int = 5
    @Option(help: "CPU threads for llama.cpp.") var threads: Int = 1
    @Option(name: [.short, .long], help: "Write the JSON report here.") var output: String?
    @OptionGroup var model: ModelOptions

    func validate() throws {
        guard prompts >= 1, prompts <= EvaluationPrompts.all.count else {
            throw ValidationError("--prompts must be in 1...\(EvaluationPrompts.all.count)")
        }
        guard seeds >= 1, keyCount >= 1, humanPassages >= 1 else { throw ValidationError("--seeds, --keys and --human-passages must be >= 1") }
        guard maxTokens >= 50, maxTokens <= 4096 else { throw ValidationError("--max-tokens must be in 50...4096") }
        guard threads >= 1, threads <= 64 else { throw ValidationError("--threads must be in 1...64") }
        _ = try parsedSchemes()
    }

    func parsedSchemes() throws -> [WatermarkScheme] { try SchemeSpec.parse(schemes) }

    func run() throws {
        var config = RobustnessEvaluation.Configuration()
        config.schemes = try parsedSchemes()
        config.prompts = prompts
        config.seedsPerPrompt = seeds
        config.maxTokens = maxTokens
        config.minimumGeneratedTokens = maxTokens * 19 / 20
        config.humanPassages = humanPassages
        config.humanMinimumWords = humanMinWords
        config.humanDirectory = humanDirectory
        config.multiKeyCount = keyCount
        let report = try ProgressBar.evaluate(modelAt: model.path(), threads: threads) { llama, progress in
            try RobustnessEvaluation(model: llama, configuration: config).run(progress: progress)
        }
        let json = try JSONOutput.encode(report)
        if let output { try json.write(toFile: output, atomically: true, encoding: .utf8) }
        print(json)
    }
}
