import Dispatch
import Foundation
import GreenmarkCore
import GreenmarkModel
import Synchronization

/// Continuous batching (`BatchScheduler`): aggregate and per-stream speed at 1, 2, 4 and 8
/// concurrent watermarked generations, all measured in one run.
extension Bench {
    /// Tokens per generation in the batching rows.
    static let batchingTokens = 200
    /// Concurrent generations measured.
    static let batchingLevels = [1, 2, 4, 8]

    /// For each level n: n generations of `batchingTokens` tokens (same prompt, key and sampling,
    /// different seeds) submitted at once to one scheduler of 8 sequences; the aggregate rate is
    /// all generated tokens over the wall time from submission to the last result. Per-stream time
    /// per token is the gap between consecutive text chunks of a stream (about one token each),
    /// p50 and p99 over all streams. RSS is this process's VmRSS after the level. Every output is
    /// scored under the key (T = tokens generated).
    func batchingRows(path: String, key: [UInt8]) throws -> [BenchRow] {
        let llama = try LlamaModel(path: path, threads: 1)
        let wk = try WatermarkKey(secret: key, scheme: .default, state: .primary)
        let limits = BatchScheduler.Limits(maxConcurrent: Self.batchingLevels.max()!, contextPerSequence: 512)
        let scheduler = try BatchScheduler(model: llama, limits: limits)
        let detector = Detector(tokenizer: llama.tokenizer)
        var rows: [BenchRow] = []
        var single = 0.0
        for n in Self.batchingLevels {
            let prepared = try (0..<n).map { i in
                try scheduler.generator.prepare(
                    GenerationRequest(
                        prompt: "Write a long, detailed essay about the history of science, from antiquity to today.",
                        maxTokens: Self.batchingTokens, sampling: SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: UInt64(100 + i))),
                    key: wk)
            }
            let gaps = Mutex<[Double]>([])
            let results = Mutex<[GenerationResult]>([])
            let done = DispatchGroup()
            let started = DispatchTime.now().uptimeNanoseconds
            for p in prepared {
                done.enter()
                let last = Mutex<UInt64?>(nil)
                scheduler.submit(
                    p,
                    onText: { _ in
                        let now = DispatchTime.now().uptimeNanoseconds
                        if let previous = last.withLock({ l -> UInt64? in
                            defer { l = now }
                            return l
                        }) {
                            gaps.withLock { $0.append(Double(now - previous) / 1e6) }
                        }
                    },
                    completion: { result in
                        if case .success(let r) = result { results.withLock { $0.append(r) } }
                        done.leave()
                    })
            }
            done.wait()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let finished = results.withLock { $0 }
            let tokens = finished.reduce(0) { $0 + $1.record.tokens }
            let aggregate = Double(tokens) / seconds
            if n == 1 { single = aggregate }
            let sorted = gaps.withLock { $0 }.sorted()
            func q(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            let marked = try finished.filter { try detector.detect($0.record.text, key: wk, includeMask: false).verdict == .watermarked }.count
            rows.append(
                BenchRow(
                    name: "batch_\(n)_streams", unit: "tokens/s", rate: aggregate,
                    detail:
                        "\(f(aggregate)) tokens/s aggregate (\(f(aggregate / single))x 1 stream), per stream \(f(q(0.5))) ms/token p50, "
                        + "\(f(q(0.99))) p99; \(tokens) tokens in \(f(seconds)) s; RSS \(Self.residentMegabytes()) MB; "
                        + "watermarked \(marked)/\(finished.count)"))
        }
        return rows
    }

    /// This process's resident set (VmRSS) in MB, or -1 when /proc is unavailable.
    static func residentMegabytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return -1 }
        return kb / 1024
    }
}
