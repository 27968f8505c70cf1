import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkModel
import GreenmarkTransparency

/// The measurements of `greenmark bench` beyond the PRF and scorer: generation, signatures and
/// certificates, the stop-string matcher and the transparency log.
extension Bench {
    /// Generates `generateTokens` tokens with and without the watermark, interleaved over `rounds`,
    /// with max tokens fixed and end-of-generation ignored by using a long-form prompt.
    func compareGeneration(path: String, key: [UInt8], scheme: WatermarkScheme = .leftHash) throws -> GenerationComparison {
        let llama = try LlamaModel(path: path, threads: 1)
        let wk = try WatermarkKey(secret: key, scheme: scheme, state: .primary)
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
    func signatureRows() throws -> [BenchRow] {
        var rows: [BenchRow] = []
        let (key, _) = try Ed25519PrivateKey.generate()
        let message = [UInt8](repeating: 0x5a, count: 600)
        let signature = try key.signature(for: message)
        rows.append(
            measure("ed25519_sign", unit: "sign/s") { n in
                var sink = 0
                for _ in 0..<n { sink &+= Int((try! key.signature(for: message))[0]) }
                return sink
            })
        rows.append(
            measure("ed25519_verify", unit: "verify/s") { n in
                var sink = 0
                for _ in 0..<n where key.publicKey.isValidSignature(signature, for: message) { sink += 1 }
                return sink
            })
        rows += try certificateRows(issuingKey: key, sign: rows[rows.count - 2], verify: rows[rows.count - 1])
        if let (sign, verify) = Self.opensslSpeed() {
            rows.append(
                BenchRow(name: "openssl_speed_ed25519_sign", unit: "sign/s", rate: sign, detail: "\(Int(sign)) sign/s (openssl speed, same run)"))
            rows.append(
                BenchRow(
                    name: "openssl_speed_ed25519_verify", unit: "verify/s", rate: verify, detail: "\(Int(verify)) verify/s (openssl speed, same run)")
            )
        }
        return rows
    }

    /// The generator's stop-string handling per output token, old and new in one run, on the
    /// issue's workload: 20 stop strings of 30,000 characters (random letters: no stop matches,
    /// which is the old code's worst case) over `stopTokens` pieces of an essay (4 bytes each,
    /// about a token). Both implementations see the same pieces and must give the same text.
    /// (The API now refuses more than 16 stop strings or any longer than 1,024 characters; this
    /// measures the matcher itself.)
    func stopStringRows() -> [BenchRow] {
        var state: UInt64 = 7
        func letter() -> Character {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Character(Unicode.Scalar(UInt8(97 + (state >> 33) % 26)))
        }
        let stops = (0..<20).map { _ in String((0..<30_000).map { _ in letter() }) }
        let bytes = Array(
            String(repeating: BenchText.essay + " ", count: 1 + stopTokens * 4 / BenchText.essay.utf8.count).utf8.prefix(stopTokens * 4))
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
        let prepared = OutputText(stops: stops)  // copies share the automaton
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
        let old = BenchRow(
            name: "stop_strings_20x30000_old", unit: "ms/token", rate: oldPerToken,
            detail:
                "\(f(oldPerToken)) ms/token, \(f(oldSeconds)) s for \(pieces.count) tokens (re-decode, range(of:), tail comparisons; grows with the output)"
        )
        let perToken = newSeconds / Double(repetitions * pieces.count) * 1e3
        let whole = buildSeconds + newSeconds / Double(repetitions)
        let new = BenchRow(
            name: "stop_strings_20x30000", unit: "ms/token", rate: perToken,
            detail: String(format: "%.5f ms/token", perToken) + " (\(grouped(oldPerToken / perToken))× faster per token than the old code), plus "
                + String(format: "%.0f ms to build the automaton once; %.3f s for the %d tokens in all", buildSeconds * 1e3, whole, pieces.count)
                + " (\(grouped(oldSeconds / whole))× faster)")
        return [old, new]
    }

    /// The transparency log's per-request work on a 65,536-leaf log: building the tree from its
    /// leaf hashes (what every log request did before the daemon kept the tree) against the root
    /// and one inclusion proof from the kept tree (what a request does now), in one run.
    func logTreeRows() -> [BenchRow] {
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
    func logCheckpointRows() throws -> [BenchRow] {
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
    func compared(_ row: BenchRow, to baseline: BenchRow, _ baselineName: String) -> BenchRow {
        BenchRow(name: row.name, unit: row.unit, rate: row.rate, detail: row.detail + " (\(grouped(row.rate / baseline.rate))× \(baselineName))")
    }
}
