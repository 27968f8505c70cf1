import ArgumentParser
import Foundation
import GreenmarkCore
import GreenmarkEval
import GreenmarkModel

#if canImport(Glibc)
import Glibc
#endif

/// `greenmark eval`: detectability and quality of watermarked generation on the real model.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure detection rates, z-scores and perplexity of watermarked vs plain generations.",
        discussion: "Uses a fixed published evaluation key, so runs are reproducible. Build in release mode: 50 prompts take about 10 minutes on one core."
    )

    @Option(help: "Number of prompts (each generated with and without the watermark).") var prompts: Int = 50
    @Option(name: .customLong("max-tokens"), help: "Tokens per generation.") var maxTokens: Int = 200
    @Option(help: "Sampling temperature.") var temperature: Double = 1.0
    @Option(help: "Logit bias for green tokens.") var delta: Double = 2.0
    @Option(name: .customLong("seed-base"), help: "Seed of the first prompt; prompt i uses seed-base + i.") var seedBase: UInt64 = 1000
    @Option(help: "CPU threads for llama.cpp.") var threads: Int = 1
    @Option(name: [.short, .long], help: "Write the full JSON report here (default: print the summary only).") var output: String?
    @OptionGroup var model: ModelOptions

    func validate() throws {
        guard prompts >= 1, prompts <= EvaluationPrompts.all.count else { throw ValidationError("--prompts must be in 1...\(EvaluationPrompts.all.count)") }
        guard maxTokens >= 1, maxTokens <= 4096 else { throw ValidationError("--max-tokens must be in 1...4096") }
        guard temperature.isFinite, temperature >= 0, delta.isFinite, delta >= 0 else { throw ValidationError("--temperature and --delta must be >= 0") }
        guard threads >= 1, threads <= 64 else { throw ValidationError("--threads must be in 1...64") }
    }

    func run() throws {
        var config = GenerationEvaluation.Configuration()
        config.prompts = prompts
        config.maxTokens = maxTokens
        config.temperature = temperature
        config.delta = delta
        config.seedBase = seedBase
        let llama = try LlamaModel(path: model.path(), threads: threads)
        let started = Date()
        let report = try GenerationEvaluation(model: llama, configuration: config).run { done, total in
            let elapsed = Date().timeIntervalSince(started)
            let eta = elapsed / Double(done) * Double(total - done)
            FileHandle.standardError.write(Data(String(format: "\reval: %d/%d generations, %.0f s elapsed, ~%.0f s left ", done, total, elapsed, eta).utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        if let output {
            try JSONOutput.encode(report).write(toFile: output, atomically: true, encoding: .utf8)
        }
        struct Summary: Encodable {
            let watermarked: EvaluationReport.GroupSummary
            let unwatermarked: EvaluationReport.GroupSummary
        }
        print(try JSONOutput.encode(Summary(watermarked: report.watermarked, unwatermarked: report.unwatermarked)))
    }
}
