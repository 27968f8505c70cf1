import Foundation
import GreenmarkCore
import GreenmarkModel
import Synchronization
import Testing

/// Continuous batching on the real SmolLM2 model: several generations in one llama.cpp context,
/// one `llama_decode` per step, each sampled with its own key, seed and stop strings.
@Suite("BatchScheduler (real SmolLM2 model)", .serialized)
struct BatchSchedulerTests {
    let detector = Detector(tokenizer: sharedTokenizer)

    /// Four different requests: keys, seeds, sampling and prompts (one long enough to need several
    /// prompt chunks of 64 tokens while the others already generate).
    static func workload() throws -> [(GenerationRequest, WatermarkKey)] {
        let prompts = [
            "Write a short essay about the history of the bicycle.",
            "Explain how bread is made, step by step.",
            "Write a long, detailed essay about the history of science, from antiquity to today.",
            "Tell me about the planets of the solar system.",
        ]
        let samplings = [
            SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: 11),
            SamplingParameters(temperature: 0.8, topK: 0, topP: 0.95, seed: 22),
            SamplingParameters(temperature: 1, topK: 40, topP: 1, seed: 33),
            SamplingParameters(temperature: 0.9, topK: 0, topP: 1, seed: 44),
        ]
        return try (0..<4).map { i in
            var request = GenerationRequest(prompt: prompts[i], maxTokens: 200, sampling: samplings[i])
            if i == 2 {
                request.system = String(repeating: "You are a careful writer who likes long, quiet sentences. ", count: 12)
            }
            // Every scheme goes through the batch: the default gumbel-v1 (0 and 3), LeftHash, SelfHash.
            let schemes: [WatermarkScheme] = [.default, .leftHash, .selfHash, .default]
            let key = try WatermarkKey(secret: [UInt8](repeating: UInt8(0x10 + i), count: 32), scheme: schemes[i], state: .primary)
            return (request, key)
        }
    }

    /// Runs `prepared` all at once through `scheduler`; results in the same order.
    static func concurrently(_ scheduler: BatchScheduler, _ prepared: [Generator.Prepared]) async throws -> [GenerationResult] {
        try await withThrowingTaskGroup(of: (Int, GenerationResult).self) { group in
            for (i, p) in prepared.enumerated() {
                group.addTask {
                    for try await event in scheduler.stream(p) { if case .finished(let r) = event { return (i, r) } }
                    throw GreenmarkError(.modelLoadFailed, "no result")
                }
            }
            var results = [GenerationResult?](repeating: nil, count: prepared.count)
            for try await (i, r) in group { results[i] = r }
            return results.map { $0! }
        }
    }

    @Test(
        "4 concurrent generations, each with its own key, scheme (gumbel-v1, lefthash-v1, selfhash-v1) and seed: the same text as the single-sequence path, each detected under its own key only"
    )
    func concurrentMatchesSingle() async throws {
        let work = try Self.workload()
        let scheduler = try BatchScheduler(model: sharedModel, limits: .init(maxConcurrent: 4, contextPerSequence: 1_024))
        let prepared = try work.map { try scheduler.generator.prepare($0.0, key: $0.1) }
        #expect(prepared[2].prompt.tokens.count > 64, "the long prompt needs several prefill chunks")
        let single = try prepared.map { try Generator(model: sharedModel).generate($0) }
        let batched = try await Self.concurrently(scheduler, prepared)
        for i in 0..<4 {
            #expect(batched[i].record.text == single[i].record.text, "sequence \(i) differs from the single-sequence path")
            #expect(batched[i].record.tokens == single[i].record.tokens)
            #expect(batched[i].record.finishReason == single[i].record.finishReason)
            #expect(batched[i].record.keyID == work[i].1.id)
            #expect(batched[i].record.sampling.seed == work[i].0.sampling.seed)
            for j in 0..<4 {
                let report = try detector.detect(batched[i].record.text, key: work[j].1, includeMask: false)
                if i == j {
                    #expect(report.verdict == .watermarked, "sequence \(i) under its own key: z = \(report.zScore)")
                } else {
                    #expect(report.verdict != .watermarked, "sequence \(i) under key \(j): z = \(report.zScore)")
                }
            }
        }
        #expect(scheduler.counts == (0, 0))
    }

    @Test("a cancelled generation frees its sequence: with one sequence, the next request then runs")
    func cancellationFrees() async throws {
        let scheduler = try BatchScheduler(model: sharedModel, limits: .init(maxConcurrent: 1, contextPerSequence: 1_024))
        let long = try scheduler.generator.prepare(
            GenerationRequest(
                prompt: "Tell me a very long story about dragons.", maxTokens: 900, sampling: .init(temperature: 1, topK: 0, topP: 1, seed: 5)),
            key: nil)
        // The flag is set from the worker's own text callback, after the third piece: the worker
        // sees it before its next token whatever the load (a consumer task on a busy pool could
        // read its third event only after the story had ended on its own).
        let cancel = CancellationFlag()
        let pieces = Mutex(0)
        let cancelled: GenerationResult = try await withCheckedThrowingContinuation { continuation in
            scheduler.submit(
                long, cancel: cancel,
                onText: { _ in
                    if pieces.withLock({ n in
                        n += 1
                        return n
                    }) == 3 {
                        cancel.cancel()
                    }
                }
            ) { continuation.resume(with: $0) }
        }
        #expect(pieces.withLock { $0 } == 3)
        #expect(cancelled.record.finishReason == .cancelled)
        #expect(cancelled.record.tokens < 900)
        #expect(scheduler.counts == (0, 0))
        // The only sequence is free again: a new request runs to its end.
        let short = try scheduler.generator.prepare(
            GenerationRequest(prompt: "Name three colours.", maxTokens: 12, sampling: .init(temperature: 0, topK: 0, topP: 1, seed: 1)), key: nil)
        let next = try await Self.concurrently(scheduler, [short])[0]
        #expect(next.record.finishReason != .cancelled && next.record.tokens > 0)
        // A stream dropped by its consumer stops too.
        for try await event in scheduler.stream(long) { if case .text = event { break } }
        var freed = false
        for _ in 0..<2_000 where !freed {
            freed = scheduler.counts == (0, 0)
            if !freed { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(freed, "a dropped stream kept its sequence")
    }

    @Test("stop strings apply per sequence: two greedy generations with different stops end at their own")
    func stopStringsPerSequence() async throws {
        let scheduler = try BatchScheduler(model: sharedModel, limits: .init(maxConcurrent: 3, contextPerSequence: 512))
        var base = GenerationRequest(
            prompt: "List the numbers from 1 to 20, separated by commas.", maxTokens: 80,
            sampling: SamplingParameters(temperature: 0, topK: 0, topP: 1, seed: 3))
        let full = try Generator(model: sharedModel).generate(base, key: nil).record.text
        #expect(full.contains("5") && full.contains("9"))
        var stopAt5 = base
        stopAt5.stopStrings = ["5"]
        var stopAt9 = base
        stopAt9.stopStrings = ["9", "never-there"]
        base.maxTokens = 80
        let prepared = try [stopAt5, stopAt9, base].map { try scheduler.generator.prepare($0, key: nil) }
        let results = try await Self.concurrently(scheduler, prepared)
        #expect(results[0].record.finishReason == .stop && results[0].record.text == String(full[..<full.firstIndex(of: "5")!]))
        #expect(results[1].record.finishReason == .stop && results[1].record.text == String(full[..<full.firstIndex(of: "9")!]))
        #expect(results[2].record.text == full)
    }

    @Test("a request that does not fit one sequence is refused before it runs, naming the per-sequence cap")
    func perSequenceCap() throws {
        let scheduler = try BatchScheduler(model: sharedModel, limits: .init(maxConcurrent: 2, contextPerSequence: 256))
        let request = GenerationRequest(prompt: "Hi.", maxTokens: 300)
        #expect(throws: GreenmarkError(.generationInvalid, "")) { try scheduler.generator.prepare(request, key: nil) }
        // A prepared request from an unlimited generator is refused by the scheduler itself.
        let prepared = try Generator(model: sharedModel).prepare(request, key: nil)
        #expect(throws: GreenmarkError(.generationInvalid, "")) { try scheduler.generateBlocking(prepared) }
        #expect(throws: GreenmarkError.self) { try BatchScheduler(model: sharedModel, limits: .init(maxConcurrent: 0)) }
        #expect(sharedModel.kvBytesPerToken == 23_040)
    }
}

extension BatchSchedulerTests {
    @Test("past 512 KV cells (where llama.cpp's one-stream attention changes path): 2 concurrent 600-token generations, same text as the single path")
    func longGenerations() async throws {
        let scheduler = try BatchScheduler(model: sharedModel, limits: .init(maxConcurrent: 2, contextPerSequence: 1_024))
        let key = try WatermarkKey(secret: [UInt8](repeating: 0x33, count: 32), scheme: .leftHash, state: .primary)
        let prepared = try [7, 8].map { seed in
            try scheduler.generator.prepare(
                GenerationRequest(
                    prompt: "Write a long, detailed essay about the history of science, from antiquity to today.", maxTokens: 600,
                    sampling: SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: UInt64(seed))),
                key: key)
        }
        let single = try prepared.map { try Generator(model: sharedModel).generate($0) }
        let batched = try await Self.concurrently(scheduler, prepared)
        for i in 0..<2 {
            print("long generation \(i): \(single[i].record.tokens) tokens single, \(batched[i].record.tokens) batched")
            #expect(batched[i].record.text == single[i].record.text, "sequence \(i) differs from the single-sequence path")
        }
    }
}
