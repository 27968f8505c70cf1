import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkModel
import GreenmarkTransparency

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
        let scheme = WatermarkScheme.default
        let prf = try GreenListPRF(key: key, scheme: scheme)
        let message = GreenListPRF.label + [0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0xd4, 0x31]  // a 29-byte h=1 message

        rows.append(measure("openssl_hmac_oneshot", unit: "HMAC/s") { n in
            var sink: UInt8 = 0
            for _ in 0..<n { sink &+= (try! HMACSHA256.oneShot(key: key, message: message))[0] }
            return Int(sink)
        })
        let mac = try HMACSHA256(key: key)
        rows.append(measure("hmac_prepared_key", unit: "HMAC/s") { n in
            var sink: UInt32 = 0
            message.withUnsafeBytes { m in for _ in 0..<n { sink &+= mac.prefix32(m) } }
            return Int(sink)
        })
        rows.append(measure("prf_v1_is_green_h1", unit: "PRF/s") { n in
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
        rows.append(measure("score_tokens_h1", unit: "tokens/s", per: tokens.count) { n in
            var sink = 0
            for _ in 0..<n { sink &+= TokenScores(tokens: tokens, prf: prf, ignoreRepeats: true).green }
            return sink
        })
        if stopTokens > 0 { rows += stopStringRows() }
        rows += logTreeRows()
        rows += try logCheckpointRows()

        if let path = try? ModelLocator.resolve(explicit: model) {
            let tokenizer = try LlamaTokenizer(modelPath: path)
            let essay = BenchText.essay
            let essayTokens = try tokenizer.tokenize(essay).count
            rows.append(measure("tokenize_llama_cpp", unit: "tokens/s", per: essayTokens) { n in
                var sink = 0
                for _ in 0..<n { sink &+= (try! tokenizer.referenceTokenize(essay)).count }
                return sink
            })
            rows.append(measure("tokenize", unit: "tokens/s", per: essayTokens) { n in
                var sink = 0
                for _ in 0..<n { sink &+= (try! tokenizer.tokenize(essay)).count }
                return sink
            })
            // Cold cache: the word cache is emptied before every essay, so each distinct word goes to llama.cpp.
            rows.append(measure("tokenize_cold_cache", unit: "tokens/s", per: essayTokens) { n in
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
            rows.append(BenchRow(name: "detect_essay_\(BenchText.essayWords)_words_ms", unit: "ms p50/p90/p99",
                                 rate: q(0.5), detail: "p50 \(f(q(0.5))) ms, p90 \(f(q(0.9))) ms, p99 \(f(q(0.99))) ms, \(latencies.count) runs, \(essayTokens) tokens"))
        }

        rows += try signatureRows()

        var generation: GenerationComparison?
        if generateTokens > 0, let path = try? ModelLocator.resolve(explicit: model) {
            generation = try compareGeneration(path: path, key: key)
            rows.append(BenchRow(name: "generate_watermarked", unit: "tokens/s", rate: generation!.watermarkedTokensPerSecond,
                                 detail: "\(f(generation!.watermarkedTokensPerSecond)) tokens/s (Swift sampling \(f(generation!.watermarkedSwiftMsPerToken)) ms/token, \(f(generation!.watermarkedPRFPerToken)) PRF/token)"))
            rows.append(BenchRow(name: "generate_plain_delta0", unit: "tokens/s", rate: generation!.plainTokensPerSecond,
                                 detail: "\(f(generation!.plainTokensPerSecond)) tokens/s (Swift sampling \(f(generation!.plainSwiftMsPerToken)) ms/token)"))
        }

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
            if let s = rate("ed25519_sign"), let os = rate("openssl_speed_ed25519_sign"), let v = rate("ed25519_verify"), let ov = rate("openssl_speed_ed25519_verify") {
                print("Ed25519 sign / openssl speed sign                          \(f(s / os))x")
                print("Ed25519 verify / openssl speed verify                      \(f(v / ov))x")
            }
            if let g = generation {
                print("Swift sampling with watermark (PRF+bias+softmax+draw) / decode  \(String(format: "%.2f%%", g.watermarkCostShareOfDecode * 100))")
                print("watermark's own cost (beyond the plain sampler) / decode       \(String(format: "%.2f%%", g.watermarkOnlyShareOfDecode * 100))")
                print("tokens/s watermarked / tokens/s plain (delta 0)               \(String(format: "%.3f", g.throughputRatio))x")
            }
        }
    }

    /// Generates `generateTokens` tokens with and without the watermark, interleaved over `rounds`,
    /// with max tokens fixed and end-of-generation ignored by using a long-form prompt.
    private func compareGeneration(path: String, key: [UInt8]) throws -> GenerationComparison {
        let llama = try LlamaModel(path: path, threads: 1)
        let wk = try WatermarkKey(secret: key, scheme: .default, state: .primary)
        let generator = Generator(model: llama)
        var marked: [GenerationResult] = []
        var plain: [GenerationResult] = []
        for round in 0..<rounds {
            let request = GenerationRequest(
                prompt: "Write a long, detailed essay about the history of science, from antiquity to today.",
                maxTokens: generateTokens, sampling: SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: UInt64(round))
            )
            marked.append(try generator.generate(request, key: wk))
            plain.append(try generator.generate(request, key: nil))
        }
        func sum(_ r: [GenerationResult], _ f: (GenerationResult) -> Double) -> Double { r.map(f).reduce(0, +) }
        let markedTokens = sum(marked) { Double($0.record.tokens) }
        let plainTokens = sum(plain) { Double($0.record.tokens) }
        let markedDecode = sum(marked) { $0.decodeSeconds }
        let markedSwift = sum(marked) { $0.samplingSeconds }
        let plainSwift = sum(plain) { $0.samplingSeconds }
        return GenerationComparison(
            tokensPerGeneration: generateTokens, rounds: rounds,
            watermarkedTokensPerSecond: markedTokens / sum(marked) { $0.seconds },
            plainTokensPerSecond: plainTokens / sum(plain) { $0.seconds },
            watermarkedSwiftMsPerToken: markedSwift / markedTokens * 1000,
            plainSwiftMsPerToken: plainSwift / plainTokens * 1000,
            decodeMsPerToken: markedDecode / markedTokens * 1000,
            watermarkedPRFPerToken: sum(marked) { Double($0.prfEvaluations) } / markedTokens,
            watermarkCostShareOfDecode: markedSwift / markedDecode
        )
    }

    /// Ed25519 and whole-certificate rates, next to `openssl speed ed25519` run in the same process.
    private func signatureRows() throws -> [BenchRow] {
        var rows: [BenchRow] = []
        let (key, _) = try Ed25519PrivateKey.generate()
        let message = [UInt8](repeating: 0x5a, count: 600)
        let signature = try key.signature(for: message)
        rows.append(measure("ed25519_sign", unit: "sign/s") { n in
            var sink = 0
            for _ in 0..<n { sink &+= Int((try! key.signature(for: message))[0]) }
            return sink
        })
        rows.append(measure("ed25519_verify", unit: "verify/s") { n in
            var sink = 0
            for _ in 0..<n where key.publicKey.isValidSignature(signature, for: message) { sink += 1 }
            return sink
        })
        // Whole certificates: build, encode and sign an attestation; parse and verify it fully.
        let (root, _) = try Ed25519PrivateKey.generate()
        let endorsement = try Endorsement.sign(issuer: key.publicKey, notBefore: Date(timeIntervalSinceNow: -60), notAfter: nil, root: root)
        let issuer = CertificateIssuer(key: key, endorsement: endorsement)
        let text = BenchText.essay
        let wk = try WatermarkKey.generate(state: .primary)
        let result = DetectionResult(zScore: 5, pValue: 1e-7, log10PValue: -7, tokensScored: 400, greenTokens: 180, tokensTotal: 401,
                                     verdict: .watermarked, moreTokensNeeded: nil, keyID: wk.id, scheme: .default, zThreshold: 4,
                                     pThreshold: 3.17e-5, minimumScoredTokens: 50, normalized: false, tokenizer: "bench", mask: nil)
        rows.append(measure("certificate_issue", unit: "certificates/s") { n in
            var sink = 0
            for _ in 0..<n { sink &+= (try! issuer.attestDetection(text: text, result: result, vocabulary: "vocab-bench")).signature.count }
            return sink
        })
        let certificate = try issuer.attestDetection(text: text, result: result, vocabulary: "vocab-bench").fileBytes()
        let anchor = TrustAnchor(trustedRoot: .init(
            version: 1, issuedAt: Timestamp.format(Date()), expires: Timestamp.format(Date() + 86_400), threshold: 1,
            rootKeys: [.init(keyID: SigningKeyID.root(root.publicKey), publicKey: Base64URL.encode(root.publicKey.rawRepresentation))],
            issuingKeys: [.init(keyID: issuer.keyID, publicKey: Base64URL.encode(key.publicKey.rawRepresentation),
                                notBefore: Timestamp.format(Date(timeIntervalSinceNow: -60)), notAfter: nil, status: .active, compromisedSince: nil)],
            watermarkKeys: []))
        let verifier = CertificateVerifier(anchor: anchor)
        let textBytes = Array(text.utf8)
        rows.append(measure("certificate_verify", unit: "certificates/s") { n in
            var sink = 0
            for _ in 0..<n where verifier.verify(certificate: certificate, text: textBytes).status == .valid { sink += 1 }
            return sink
        })
        if let (sign, verify) = Self.opensslSpeed() {
            rows.append(BenchRow(name: "openssl_speed_ed25519_sign", unit: "sign/s", rate: sign, detail: "\(Int(sign)) sign/s (openssl speed, same run)"))
            rows.append(BenchRow(name: "openssl_speed_ed25519_verify", unit: "verify/s", rate: verify, detail: "\(Int(verify)) verify/s (openssl speed, same run)"))
        }
        return rows
    }

    /// The generator's stop-string handling per output token, old and new in one run, on the
    /// issue's workload: 20 stop strings of 30,000 characters (random letters: no stop matches,
    /// which is the old code's worst case) over `stopTokens` pieces of an essay (4 bytes each,
    /// about a token). Both implementations see the same pieces and must give the same text.
    /// (The API now refuses more than 16 stop strings or any longer than 1,024 characters; this
    /// measures the matcher itself.)
    private func stopStringRows() -> [BenchRow] {
        var state: UInt64 = 7
        func letter() -> Character {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Character(Unicode.Scalar(UInt8(97 + (state >> 33) % 26)))
        }
        let stops = (0..<20).map { _ in String((0..<30_000).map { _ in letter() }) }
        let bytes = Array(String(repeating: BenchText.essay + " ", count: 1 + stopTokens * 4 / BenchText.essay.utf8.count).utf8.prefix(stopTokens * 4))
        let pieces = stride(from: 0, to: bytes.count, by: 4).map { Array(bytes[$0..<min(bytes.count, $0 + 4)]) }
        func time(_ body: () -> String) -> (Double, String) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let text = body()
            return (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, text)
        }
        let (oldSeconds, oldText) = time {
            var output = LegacyOutputText(stops: stops)
            for piece in pieces { _ = output.append(piece) }
            _ = output.finish()
            return output.text
        }
        // The new matcher: building the automaton once per generation, then each token.
        let (buildSeconds, _) = time { OutputText(stops: stops).text }
        let prepared = OutputText(stops: stops)   // copies share the automaton
        var repetitions = 0
        var newText = ""
        let (newSeconds, _) = time {
            repeat {
                var output = prepared
                for piece in pieces { _ = output.append(piece) }
                _ = output.finish()
                newText = output.text
                repetitions += 1
            } while repetitions < 20
            return newText
        }
        precondition(oldText == newText, "the stop-string matchers disagree")
        let oldPerToken = oldSeconds / Double(pieces.count) * 1e3
        let old = BenchRow(name: "stop_strings_20x30000_old", unit: "ms/token", rate: oldPerToken,
                           detail: "\(f(oldPerToken)) ms/token, \(f(oldSeconds)) s for \(pieces.count) tokens (re-decode, range(of:), tail comparisons; grows with the output)")
        let perToken = newSeconds / Double(repetitions * pieces.count) * 1e3
        let whole = buildSeconds + newSeconds / Double(repetitions)
        let new = BenchRow(name: "stop_strings_20x30000", unit: "ms/token", rate: perToken,
                           detail: String(format: "%.5f ms/token", perToken) + " (\(grouped(oldPerToken / perToken))× faster per token than the old code), plus "
                               + String(format: "%.0f ms to build the automaton once; %.3f s for the %d tokens in all", buildSeconds * 1e3, whole, pieces.count)
                               + " (\(grouped(oldSeconds / whole))× faster)")
        return [old, new]
    }

    /// The transparency log's per-request work on a 65,536-leaf log: building the tree from its
    /// leaf hashes (what every log request did before the daemon kept the tree) against the root
    /// and one inclusion proof from the kept tree (what a request does now), in one run.
    private func logTreeRows() -> [BenchRow] {
        let leaves = (0..<65_536).map { MerkleTree.leafHash([UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)]) }
        let build = measure("log_tree_build_64k_leaves", unit: "trees/s") { n in
            var sink = 0
            for _ in 0..<n { sink &+= Int(MerkleTree(leafHashes: leaves).root()[0]) }
            return sink
        }
        let tree = MerkleTree(leafHashes: leaves)
        let proof = measure("log_root_and_proof_64k_leaves", unit: "requests/s") { n in
            var sink = 0
            for i in 0..<n { sink &+= Int(tree.root()[0]) &+ (try! tree.inclusionProof(index: (i &* 7919) % leaves.count)).count }
            return sink
        }
        return [build, compared(proof, to: build, "a rebuild per request")]
    }

    /// The transparency log's key and checkpoint per request, in a temporary home with a
    /// plaintext key file: loading the key file and signing (what every log request did before the
    /// daemon kept them) against the kept key signing a grown tree, and against the kept note of an
    /// unchanged tree (a stat of the key file and a comparison).
    private func logCheckpointRows() throws -> [BenchRow] {
        let home = FileManager.default.temporaryDirectory.path + "/greenmark-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: home) }
        let root = MerkleTree.leafHash([1, 2, 3])
        let signer = LogSigner(directory: home)
        _ = try signer.signedCheckpoint(size: 1, root: root)  // creates the key file
        let load = measure("log_checkpoint_load_and_sign", unit: "requests/s") { n in
            var sink = 0
            for i in 0..<n {
                let key = try! LogKey.loadOrCreate(directory: home)
                sink &+= (try! Checkpoint(origin: key.origin, size: i, root: root).signed(name: key.origin, key: key.key)).utf8.count
            }
            return sink
        }
        let grown = measure("log_checkpoint_kept_key_new_size", unit: "requests/s") { n in
            var sink = 0
            for i in 0..<n { sink &+= (try! signer.signedCheckpoint(size: 2 + i, root: root)).utf8.count }
            return sink
        }
        let kept = measure("log_checkpoint_kept_note", unit: "requests/s") { n in
            var sink = 0
            for _ in 0..<n { sink &+= (try! signer.signedCheckpoint(size: 1, root: root)).utf8.count }
            return sink
        }
        return [load, compared(grown, to: load, "loading the key per request"), compared(kept, to: load, "loading the key per request")]
    }

    /// `row` with its speed-up over `baseline`, measured in the same run, added to its detail.
    private func compared(_ row: BenchRow, to baseline: BenchRow, _ baselineName: String) -> BenchRow {
        BenchRow(name: row.name, unit: row.unit, rate: row.rate, detail: row.detail + " (\(grouped(row.rate / baseline.rate))× \(baselineName))")
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
    private func measure(_ name: String, unit: String, per: Int = 1, _ body: (Int) -> Int) -> BenchRow {
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

    private func f(_ x: Double) -> String { String(format: "%.2f", x) }
    private func grouped(_ x: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return formatter.string(from: NSNumber(value: x)) ?? String(Int(x))
    }
}

/// One benchmark measurement.
struct BenchRow: Encodable {
    let name: String
    let unit: String
    let rate: Double
    let detail: String
}

/// Watermarked vs plain (delta 0) generation with the same sampler, measured in one run.
struct GenerationComparison: Encodable {
    let tokensPerGeneration: Int
    let rounds: Int
    let watermarkedTokensPerSecond: Double
    let plainTokensPerSecond: Double
    let watermarkedSwiftMsPerToken: Double
    let plainSwiftMsPerToken: Double
    let decodeMsPerToken: Double
    let watermarkedPRFPerToken: Double
    /// Swift time per token (PRF, bias, softmax, draw) over llama.cpp decode time per token.
    let watermarkCostShareOfDecode: Double

    var throughputRatio: Double { watermarkedTokensPerSecond / plainTokensPerSecond }
    /// The watermark's own cost (Swift time per token beyond the plain sampler) over decode time.
    var watermarkOnlyShareOfDecode: Double { (watermarkedSwiftMsPerToken - plainSwiftMsPerToken) / decodeMsPerToken }

    enum CodingKeys: String, CodingKey {
        case tokensPerGeneration = "tokens_per_generation", rounds
        case watermarkedTokensPerSecond = "watermarked_tokens_per_second"
        case plainTokensPerSecond = "plain_tokens_per_second"
        case watermarkedSwiftMsPerToken = "watermarked_swift_ms_per_token"
        case plainSwiftMsPerToken = "plain_swift_ms_per_token"
        case decodeMsPerToken = "decode_ms_per_token"
        case watermarkedPRFPerToken = "watermarked_prf_per_token"
        case watermarkCostShareOfDecode = "watermark_cost_share_of_decode"
        case throughputRatio = "throughput_ratio"
        case watermarkOnlyShareOfDecode = "watermark_only_share_of_decode"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tokensPerGeneration, forKey: .tokensPerGeneration)
        try c.encode(rounds, forKey: .rounds)
        try c.encode(watermarkedTokensPerSecond, forKey: .watermarkedTokensPerSecond)
        try c.encode(plainTokensPerSecond, forKey: .plainTokensPerSecond)
        try c.encode(watermarkedSwiftMsPerToken, forKey: .watermarkedSwiftMsPerToken)
        try c.encode(plainSwiftMsPerToken, forKey: .plainSwiftMsPerToken)
        try c.encode(decodeMsPerToken, forKey: .decodeMsPerToken)
        try c.encode(watermarkedPRFPerToken, forKey: .watermarkedPRFPerToken)
        try c.encode(watermarkCostShareOfDecode, forKey: .watermarkCostShareOfDecode)
        try c.encode(throughputRatio, forKey: .throughputRatio)
        try c.encode(watermarkOnlyShareOfDecode, forKey: .watermarkOnlyShareOfDecode)
    }
}

/// All measurements of one run, with the ratios that matter.
struct BenchSummary: Encodable {
    let rows: [BenchRow]
    let preparedOverOneshot: Double
    let scoringOverPreparedHMAC: Double
    let nanosecondsPerPRF: Double
    let generation: GenerationComparison?

    enum CodingKeys: String, CodingKey {
        case rows
        case preparedOverOneshot = "prepared_over_oneshot"
        case scoringOverPreparedHMAC = "scoring_over_prepared_hmac"
        case nanosecondsPerPRF = "ns_per_prf"
        case generation
    }
}
