import ArgumentParser
import Foundation
import GreenmarkCore
import GreenmarkEval
import GreenmarkModel

#if canImport(Glibc)
    import Glibc
#endif

/// `greenmark eval`: measurements on the real model.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the watermark on the real model.",
        subcommands: [EvalGeneration.self, EvalRobustness.self, EvalFairness.self],
        defaultSubcommand: EvalGeneration.self
    )
}

/// `greenmark eval generation`: detectability, false positives on human text, robustness and
/// quality of watermarked generation, on the real model.
struct EvalGeneration: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generation",
        abstract: "Measure detection rates, false positives on human text, robustness and perplexity on the real model.",
        discussion: """
            Uses a fixed published evaluation key, so runs are reproducible. Build in release mode. The full run \
            (scripts/eval.sh) takes about 40 minutes on one core; `--prompts 3 --seeds 1` takes a minute.
            """
    )

    @Option(help: "Number of prompts.") var prompts: Int = 50
    @Option(help: "Generations per prompt (different seeds).") var seeds: Int = 1
    @Option(name: .customLong("max-tokens"), help: "Tokens per generation.") var maxTokens: Int = 200
    @Option(help: "Sampling temperature.") var temperature: Double = 1.0
    @Option(help: "Logit bias for green tokens.") var delta: Double = 2.0
    @Option(name: .customLong("seed-base"), help: "Seed of the first prompt; prompt i, round r uses seed-base + i + 1000 r.") var seedBase: UInt64 =
        1000
    @Flag(name: .customLong("no-control"), help: "Skip the unwatermarked (delta 0) generations.") var noControl = false
    @Option(name: .customLong("human-passages"), help: "Human passages (>= 200 words) to score for the false-positive rate.") var humanPassages: Int =
        0
    @Option(name: .customLong("human-dir"), help: "Directory of human-written .txt documents.") var humanDirectory: String = HumanCorpus
        .defaultDirectory
    @Option(name: .customLong("attack-strengths"), parsing: .upToNextOption, help: "Attack strengths to sweep (e.g. 0.1 0.2 0.3 0.5).")
    var attackStrengths: [Double] = []
    @Option(help: "CPU threads for llama.cpp.") var threads: Int = 1
    @Option(name: [.short, .long], help: "Write the full JSON report here (default: print the summary only).") var output: String?
    @OptionGroup var model: ModelOptions
    /// The evaluation key's scheme (`--prf gumbel-v1` for the distortion-free scheme).
    @OptionGroup var schemeOptions: SchemeOptions

    func validate() throws {
        guard prompts >= 1, prompts <= EvaluationPrompts.all.count else {
            throw ValidationError("--prompts must be in 1...\(EvaluationPrompts.all.count)")
        }
        guard seeds >= 1, seeds <= 100 else { throw ValidationError("--seeds must be in 1...100") }
        guard maxTokens >= 1, maxTokens <= 4096 else { throw ValidationError("--max-tokens must be in 1...4096") }
        guard temperature.isFinite, temperature >= 0, delta.isFinite, delta >= 0 else {
            throw ValidationError("--temperature and --delta must be >= 0")
        }
        guard humanPassages >= 0 else { throw ValidationError("--human-passages must be >= 0") }
        guard attackStrengths.allSatisfy({ $0 > 0 && $0 <= 1 }) else { throw ValidationError("attack strengths must be in (0, 1]") }
        guard threads >= 1, threads <= 64 else { throw ValidationError("--threads must be in 1...64") }
        _ = try schemeOptions.scheme(base: .default)
    }

    func run() throws {
        var config = GenerationEvaluation.Configuration()
        config.prompts = prompts
        config.seedsPerPrompt = seeds
        config.maxTokens = maxTokens
        config.temperature = temperature
        config.delta = delta
        config.seedBase = seedBase
        config.unwatermarkedControl = !noControl
        config.humanPassages = humanPassages
        config.humanDirectory = humanDirectory
        config.attackStrengths = attackStrengths
        config.scheme = try schemeOptions.scheme(base: .default)
        let report = try ProgressBar.evaluate(modelAt: model.path(), threads: threads) { llama, progress in
            try GenerationEvaluation(model: llama, configuration: config).run(progress: progress)
        }
        if let output {
            try JSONOutput.encode(report).write(toFile: output, atomically: true, encoding: .utf8)
        }
        struct Summary: Encodable {
            let watermarked: EvaluationReport.GroupSummary
            let unwatermarked: EvaluationReport.GroupSummary
            let humanFalsePositiveRate: Double?
            let humanMeanZ: Double?
            let humanSDZ: Double?
            let auc: Double?
            let robustness: [RobustnessPoint]

            enum CodingKeys: String, CodingKey {
                case watermarked, unwatermarked, auc, robustness
                case humanFalsePositiveRate = "human_false_positive_rate"
                case humanMeanZ = "human_mean_z"
                case humanSDZ = "human_sd_z"
            }
        }
        print(
            try JSONOutput.encode(
                Summary(
                    watermarked: report.watermarked, unwatermarked: report.unwatermarked,
                    humanFalsePositiveRate: report.human?.falsePositiveRate, humanMeanZ: report.human?.meanZ,
                    humanSDZ: report.human?.standardDeviationZ, auc: report.roc?.auc, robustness: report.robustness
                )))
    }
}
