import ArgumentParser
import Foundation
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkModel

/// `greenmark bench`: single-core throughput of the PRF, the scorer and the tokenizer, next to the
/// raw OpenSSL HMAC rate measured in the same run. Build with `-c release` for meaningful numbers.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure PRF, scoring and tokenization throughput (run a release build)."
    )

    @Option(help: "Seconds to spend on each measurement.") var seconds: Double = 1.0
    @Option(help: ArgumentHelp("GGUF model for the tokenizer measurements.", valueName: "path")) var model: String?
    @Flag(help: "Print JSON.") var json = false
    @Option(name: .customLong("generate-tokens"), help: "Tokens per generation in the watermark-cost comparison (0 skips it).")
    var generateTokens: Int = 128
    @Option(help: "Rounds of the generation comparison (each: one watermarked and one plain generation, interleaved).")
    var rounds: Int = 3
    @Option(name: .customLong("stop-tokens"), help: "Tokens of output in the stop-string matcher comparison (0 skips it).")
    var stopTokens: Int = 400

    func validate() throws {
        guard seconds > 0, seconds <= 60 else { throw ValidationError("--seconds must be in (0, 60]") }
        guard generateTokens >= 0, generateTokens <= 2048, rounds >= 1, rounds <= 50 else {
            throw ValidationError("--generate-tokens must be in 0...2048 and --rounds in 1...50")
        }
        guard stopTokens >= 0, stopTokens <= 2048 else { throw ValidationError("--stop-tokens must be in 0...2048") }
    }

    func run() throws {
        var rows: [BenchRow] = []
        let key = try SecureRandom.bytes(count: 32)
        let scheme = WatermarkScheme.leftHash
        let prf = try GreenListPRF(key: key, scheme: scheme)
        let message = GreenListPRF.label + [0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0xd4, 0x31]  // a 29-byte h=1 message

        rows.append(
            measure("openssl_hmac_oneshot", unit: "HMAC/s") { n in
                var sink: UInt8 = 0
                for _ in 0..<n { sink &+= (try! HMACSHA256.oneShot(key: key, message: message))[0] }
                return Int(sink)
            })
        let mac = try HMACSHA256(key: key)
        rows.append(
            measure("hmac_prepared_key", unit: "HMAC/s") { n in
                var sink: UInt32 = 0
                message.withUnsafeBytes { m in for _ in 0..<n { sink &+= mac.prefix32(m) } }
                return Int(sink)
            })
        rows.append(
            measure("prf_v1_is_green_h1", unit: "PRF/s") { n in
                var sink = 0
                var ctx: [UInt32] = [0]
                for i in 0..<n {
                    ctx[0] = UInt32(truncatingIfNeeded: i &* 7919)
                    if prf.isGreen(context: ctx, token: UInt32(truncatingIfNeeded: i)) { sink += 1 }
                }
                return sink
            })
        var rng = SystemRandomNumberGenerator()
        let tokens = (0..<200_000).map { _ in UInt32.random(in: 0..<49_152, using: &rng) }
        rows.append(
            measure("score_tokens_h1", unit: "tokens/s", per: tokens.count) { n in
                var sink = 0
                for _ in 0..<n { sink &+= TokenScores(tokens: tokens, prf: prf, ignoreRepeats: true).green }
                return sink
            })
        rows += try gumbelRows(key: key)
        if stopTokens > 0 { rows += stopStringRows() }
        rows += logTreeRows()
        rows += try logCheckpointRows()

        if let path = try? ModelLocator.resolve(explicit: model) {
            let tokenizer = try LlamaTokenizer(modelPath: path)
            let essay = BenchText.essay
            let essayTokens = try tokenizer.tokenize(essay).count
            rows.append(
                measure("tokenize_llama_cpp", unit: "tokens/s", per: essayTokens) { n in
                    var sink = 0
                    for _ in 0..<n { sink &+= (try! tokenizer.referenceTokenize(essay)).count }
                    return sink
                })
            rows.append(
                measure("tokenize", unit: "tokens/s", per: essayTokens) { n in
                    var sink = 0
                    for _ in 0..<n { sink &+= (try! tokenizer.tokenize(essay)).count }
                    return sink
                })
            // Cold cache: the word cache is emptied before every essay, so each distinct word goes to llama.cpp.
            rows.append(
                measure("tokenize_cold_cache", unit: "tokens/s", per: essayTokens) { n in
                    var sink = 0
                    for _ in 0..<n {
                        tokenizer.clearWordCache()
                        sink &+= (try! tokenizer.tokenize(essay)).count
                    }
                    return sink
                })
            let wk = try WatermarkKey(secret: key, scheme: scheme, state: .primary)
            let detector = Detector(tokenizer: tokenizer)
            var latencies: [Double] = []
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline || latencies.count < 20 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = try detector.detect(essay, key: wk, includeMask: true)
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
            latencies.sort()
            func q(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            rows.append(
                BenchRow(
                    name: "detect_essay_\(BenchText.essayWords)_words_ms", unit: "ms p50/p90/p99",
                    rate: q(0.5),
                    detail: "p50 \(f(q(0.5))) ms, p90 \(f(q(0.9))) ms, p99 \(f(q(0.99))) ms, \(latencies.count) runs, \(essayTokens) tokens"))
        }

        rows += try signatureRows()
        if generateTokens > 0, let path = try? ModelLocator.resolve(explicit: model) { rows += try batchingRows(path: path, key: key) }

        var generation: GenerationComparison?
        if generateTokens > 0, let path = try? ModelLocator.resolve(explicit: model) {
            generation = try compareGeneration(path: path, key: key)
            rows.append(
                BenchRow(
                    name: "generate_watermarked", unit: "tokens/s", rate: generation!.watermarkedTokensPerSecond,
                    detail:
                        "\(f(generation!.watermarkedTokensPerSecond)) tokens/s (Swift sampling \(f(generation!.watermarkedSwiftMsPerToken)) ms/token, \(f(generation!.watermarkedPRFPerToken)) PRF/token)"
                ))
            rows.append(
                BenchRow(
                    name: "generate_plain_delta0", unit: "tokens/s", rate: generation!.plainTokensPerSecond,
                    detail: "\(f(generation!.plainTokensPerSecond)) tokens/s (Swift sampling \(f(generation!.plainSwiftMsPerToken)) ms/token)"))
        }

        rows += try modelRows(key: key)

        let hmac = rows.first { $0.name == "openssl_hmac_oneshot" }!.rate
        let prepared = rows.first { $0.name == "hmac_prepared_key" }!.rate
        let scoring = rows.first { $0.name == "score_tokens_h1" }!.rate
        let summary = BenchSummary(
            rows: rows,
            preparedOverOneshot: prepared / hmac,
            scoringOverPreparedHMAC: scoring / prepared,
            nanosecondsPerPRF: 1e9 / rows.first { $0.name == "prf_v1_is_green_h1" }!.rate,
            generation: generation
        )
        if json {
            print(try JSONOutput.encode(summary))
        } else {
            for row in rows {
                print("\(row.name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(row.detail)")
            }
            print("ratio prepared-key HMAC / OpenSSL HMAC()   \(f(summary.preparedOverOneshot))x")
            print("ratio scoring tokens / prepared-key HMACs  \(f(summary.scoringOverPreparedHMAC))")
            print("PRF cost per token                         \(f(summary.nanosecondsPerPRF)) ns")
            func rate(_ name: String) -> Double? { rows.first { $0.name == name }?.rate }
            if let s = rate("ed25519_sign"), let os = rate("openssl_speed_ed25519_sign"), let v = rate("ed25519_verify"),
                let ov = rate("openssl_speed_ed25519_verify")
            {
                print("Ed25519 sign / openssl speed sign                          \(f(s / os))x")
                print("Ed25519 verify / openssl speed verify                      \(f(v / ov))x")
            }
            if let g = generation {
                print(
                    "Swift sampling with watermark (PRF+bias+softmax+draw) / decode  \(String(format: "%.2f%%", g.watermarkCostShareOfDecode * 100))")
                print(
                    "watermark's own cost (beyond the plain sampler) / decode       \(String(format: "%.2f%%", g.watermarkOnlyShareOfDecode * 100))")
                print("tokens/s watermarked / tokens/s plain (delta 0)               \(String(format: "%.3f", g.throughputRatio))x")
            }
        }
    }

    /// Runs `openssl speed -seconds 1 ed25519` and parses sign/s and verify/s.
    static func opensslSpeed() -> (Double, Double)? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl", "speed", "-seconds", "1", "ed25519"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first(where: { $0.contains("Ed25519") }) else { return nil }
        let numbers = line.split(separator: " ").compactMap { Double($0) }
        guard numbers.count >= 2 else { return nil }
        return (numbers[numbers.count - 2], numbers[numbers.count - 1])
    }

    /// Runs `body(n)` with growing n until `seconds` have passed; returns the rate per second.
    func measure(_ name: String, unit: String, per: Int = 1, _ body: (Int) -> Int) -> BenchRow {
        var n = 1
        var sink = 0
        while true {
            let t0 = DispatchTime.now().uptimeNanoseconds
            sink &+= body(n)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if elapsed >= seconds {
                let rate = Double(n * per) / elapsed
                return BenchRow(name: name, unit: unit, rate: rate, detail: "\(grouped(rate)) \(unit)" + (sink == 42 ? " " : ""))
            }
            n = elapsed < 0.01 ? n * 10 : Int(Double(n) * seconds / elapsed * 1.05) + 1
        }
    }

    func f(_ x: Double) -> String { String(format: "%.2f", x) }
    func grouped(_ x: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return formatter.string(from: NSNumber(value: x)) ?? String(Int(x))
    }
}
