import Dispatch
import Foundation
import GreenmarkCore
import GreenmarkModel
import Synchronization

#if canImport(CoreFoundation)
    import CoreFoundation  // timespec's members in a release build (MemberImportVisibility)
#endif

/// Continuous batching (`BatchScheduler`): aggregate and per-stream speed and CPU time per token at
/// 1, 2, 4 and 8 concurrent watermarked generations, all measured in one run.
extension Bench {
    /// Tokens per generation in the batching rows.
    static let batchingTokens = 200
    /// Concurrent generations measured.
    static let batchingLevels = [1, 2, 4, 8]

    /// For each level n: n generations of `batchingTokens` tokens (same prompt, key and sampling,
    /// different seeds) submitted at once to one scheduler of 8 sequences. Levels run interleaved,
    /// `rounds` times (1, 2, 4, 8, 1, 2, ...); a row gives the medians over rounds of the aggregate
    /// rate (all generated tokens over the wall time from submission to the last result) and of
    /// the process's CPU time per token (less sensitive to other load on a shared machine).
    /// Per-stream time per token is the gap between consecutive text chunks of a stream (about one
    /// token each), p50 and p99 over all streams and rounds. RSS is this process's VmRSS after the
    /// level. Every output is scored under the key (T = tokens generated).
    func batchingRows(path: String, key: [UInt8]) throws -> [BenchRow] {
        let llama = try LlamaModel(path: path, threads: 1)
        let wk = try WatermarkKey(secret: key, scheme: .default, state: .primary)
        let limits = BatchScheduler.Limits(maxConcurrent: Self.batchingLevels.max()!, contextPerSequence: 512)
        let scheduler = try BatchScheduler(model: llama, limits: limits)
        let detector = Detector(tokenizer: llama.tokenizer)
        struct Level {
            var rates: [Double] = []
            var cpuPerToken: [Double] = []
            var gaps: [Double] = []
            var tokens = 0
            var marked = 0
            var outputs = 0
            var rss = 0
        }
        var levels = [Int: Level]()
        for round in 0..<rounds {
            for n in Self.batchingLevels {
                let prepared = try (0..<n).map { i in
                    try scheduler.generator.prepare(
                        GenerationRequest(
                            prompt: "Write a long, detailed essay about the history of science, from antiquity to today.",
                            maxTokens: Self.batchingTokens,
                            sampling: SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: UInt64(10_000 * round + 100 * n + i))),
                        key: wk)
                }
                let (results, gaps, seconds, cpu) = Self.runConcurrently(scheduler, prepared)
                let tokens = results.reduce(0) { $0 + $1.record.tokens }
                var level = levels[n] ?? Level()
                level.rates.append(Double(tokens) / seconds)
                level.cpuPerToken.append(cpu / Double(max(1, tokens)) * 1000)
                level.gaps += gaps
                level.tokens += tokens
                level.outputs += results.count
                level.marked += try results.filter { try detector.detect($0.record.text, key: wk, includeMask: false).verdict == .watermarked }.count
                level.rss = max(level.rss, Self.residentMegabytes())
                levels[n] = level
            }
        }
        func median(_ xs: [Double]) -> Double {
            let s = xs.sorted()
            return s.isEmpty ? 0 : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        let single = median(levels[1]?.rates ?? [1])
        let singleCPU = median(levels[1]?.cpuPerToken ?? [1])
        return Self.batchingLevels.map { n in
            let level = levels[n]!
            let sorted = level.gaps.sorted()
            func q(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            let rate = median(level.rates)
            let cpu = median(level.cpuPerToken)
            return BenchRow(
                name: "batch_\(n)_streams", unit: "tokens/s", rate: rate,
                detail:
                    "\(f(rate)) tokens/s aggregate (\(f(rate / single))x 1 stream), CPU \(f(cpu)) ms/token (\(f(singleCPU / cpu))x), "
                    + "per stream \(f(q(0.5))) ms/token p50, \(f(q(0.99))) p99; \(level.tokens) tokens in \(rounds) rounds; "
                    + "RSS \(level.rss) MB; watermarked \(level.marked)/\(level.outputs)")
        }
    }

    /// Submits every request at once and waits for all: the results, the gaps between text chunks
    /// of each stream (ms), the wall seconds and the process's CPU seconds.
    static func runConcurrently(_ scheduler: BatchScheduler, _ prepared: [Generator.Prepared]) -> (
        [GenerationResult], [Double], Double, Double
    ) {
        let gaps = Mutex<[Double]>([])
        let results = Mutex<[GenerationResult]>([])
        let done = DispatchGroup()
        let cpu0 = processCPUSeconds()
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
        return (results.withLock { $0 }, gaps.withLock { $0 }, seconds, processCPUSeconds() - cpu0)
    }

    /// CPU seconds (user + system) this process has used.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
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
