import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkKeys
import GreenmarkModel

#if canImport(Glibc)
    import Glibc
#endif

/// `greenmark generate`: watermarked generation with the local model.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate watermarked text with the local model.",
        discussion: "Uses the primary watermark key of the keyring. Plain output prints the text; --json prints the generation record."
    )

    @Option(help: "The user prompt.") var prompt: String
    @Option(help: "An optional system message.") var system: String?
    @Flag(help: "Send the prompt as is, without the model's chat template.") var raw = false
    @Option(name: .customLong("max-tokens"), help: "Most tokens to generate.") var maxTokens: Int = 200
    @Option(help: "Sampling temperature (0 = greedy).") var temperature: Double = SamplingParameters.default.temperature
    @Option(name: .customLong("top-k"), help: "Keep the k most likely tokens (0 = off).") var topK: Int = SamplingParameters.default.topK
    @Option(name: .customLong("top-p"), help: "Nucleus sampling mass (1 = off).") var topP: Double = SamplingParameters.default.topP
    @Option(help: "Random seed, for reproducible output.") var seed: UInt64?
    @Option(help: "Logit bias added to green tokens (green-list keys; a gumbel-v1 key has no bias).") var delta: Double = 2.0
    @Option(name: .customLong("stop"), help: "Stop before this string (repeatable; at most 16, each at most 1,024 characters).") var stops: [String] =
        []
    @Option(help: "CPU threads for llama.cpp.") var threads: Int = 1
    @Flag(name: .customLong("no-watermark"), help: "Generate without a watermark (for comparisons).") var noWatermark = false
    @Flag(help: "Print the generation record as JSON.") var json = false
    @Option(name: .customLong("receipt"), help: ArgumentHelp("Write the signed receipt here (needs `greenmark trust init`).", valueName: "file"))
    var receiptPath: String?
    @Option(
        name: .customLong("bundle"),
        help: ArgumentHelp("Write the receipt as a provenance bundle (receipt, text, trusted roots) here.", valueName: "file"))
    var bundlePath: String?
    @OptionGroup var model: ModelOptions
    @OptionGroup var home: HomeOptions

    func validate() throws {
        guard maxTokens >= 1, maxTokens <= 8192 else { throw ValidationError("--max-tokens must be in 1...8192") }
        guard temperature.isFinite, temperature >= 0 else { throw ValidationError("--temperature must be >= 0") }
        guard topK >= 0 else { throw ValidationError("--top-k must be >= 0") }
        guard topP > 0, topP <= 1 else { throw ValidationError("--top-p must be in (0, 1]") }
        guard delta.isFinite, delta >= 0 else { throw ValidationError("--delta must be >= 0") }
        guard threads >= 1, threads <= 64 else { throw ValidationError("--threads must be in 1...64") }
        guard !prompt.isEmpty else { throw ValidationError("--prompt must not be empty") }
    }

    func run() throws {
        if receiptPath != nil || bundlePath != nil, !home.signingStore.exists {
            throw CertificateError(.signingKeysMissing, "--receipt and --bundle need signing keys; run `greenmark trust init` first")
        }
        let request = GenerationRequest(
            prompt: prompt, system: system, rawPrompt: raw, maxTokens: maxTokens, stopStrings: stops,
            sampling: SamplingParameters(temperature: temperature, topK: topK, topP: topP, seed: seed), delta: delta
        )
        // Bad stop strings and the like fail with their code before the model is loaded.
        try request.validate()
        let key = noWatermark ? nil : try home.store.load().primary()
        let llama = try LlamaModel(path: model.path(), threads: threads)
        let progress = Progress(enabled: isatty(STDERR_FILENO) == 1, total: maxTokens)
        var pieces = 0
        let result = try Generator(model: llama).generate(request, key: key) { _ in
            pieces += 1
            progress.update(pieces)
        }
        progress.finish()
        // Sign a receipt when this home has signing keys.
        var receipt: SignedCertificate?
        if home.signingStore.exists {
            receipt = try home.signingStore.activeIssuer().receipt(for: result.record, keyCommitment: result.keyCommitment)
        }
        if let receiptPath, let receipt {
            try Data(receipt.fileBytes()).write(to: URL(fileURLWithPath: receiptPath), options: .atomic)
        }
        if let bundlePath, let receipt {
            let roots = try BundleDocument.trustedRootFiles(in: home.signingStore.trustDirectory)
            let bundle = try BundleDocument(certificate: receipt, text: result.record.text, digestOnly: false, trustedRoots: roots)
            try Data(bundle.fileBytes()).write(to: URL(fileURLWithPath: bundlePath), options: .atomic)
        }
        if json {
            print(try JSONOutput.encode(GenerateOutput(result: result, receipt: receipt)))
        } else {
            print(result.record.text)
        }
    }
}

/// `generate --json` output: the record's fields plus measurements.
struct GenerateOutput: Encodable {
    let result: GenerationResult
    let receipt: SignedCertificate?

    enum CodingKeys: String, CodingKey {
        case text, tokens
        case keyID = "key_id"
        case model, record, receipt
        case tokensPerSecond = "tokens_per_second"
        case greenDrawn = "green_tokens_drawn"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(result.record.text, forKey: .text)
        try c.encode(result.record.tokens, forKey: .tokens)
        try c.encode(result.record.keyID, forKey: .keyID)
        try c.encode(result.record.model, forKey: .model)
        try c.encode(result.record, forKey: .record)
        if let receipt { try c.encode(receipt, forKey: .receipt) } else { try c.encodeNil(forKey: .receipt) }
        try c.encode(Double(result.record.tokens) / max(result.seconds, 1e-9), forKey: .tokensPerSecond)
        // gumbel-v1 has no green list, so no green count.
        if result.record.scheme?.prf.hasGreenList != false { try c.encode(result.greenTokensDrawn, forKey: .greenDrawn) }
    }
}

/// A one-line progress indicator on stderr, only when stderr is a terminal.
final class Progress {
    private let enabled: Bool
    private let total: Int
    private let start = Date()

    init(enabled: Bool, total: Int) {
        self.enabled = enabled
        self.total = total
    }

    func update(_ count: Int) {
        guard enabled else { return }
        let rate = Double(count) / max(Date().timeIntervalSince(start), 1e-3)
        FileHandle.standardError.write(Data(String(format: "\rgenerating: %d/%d pieces, %.1f/s ", count, total, rate).utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
