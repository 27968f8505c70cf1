import Dispatch
import Foundation
import GreenmarkCore
import Synchronization

/// Continuous batching: many generations share one llama.cpp context, and every step decodes all
/// of them in one `llama_decode`.
///
/// The context has `limits.maxConcurrent` sequences, each with its own KV cells
/// (`limits.contextPerSequence` of them, rounded up to llama.cpp's 256), so the KV cache is
/// allocated once at `maxConcurrent × contextPerSequence` tokens. One dedicated thread owns the
/// context (`BatchWorker`); llama.cpp calls block for milliseconds, so they stay off Swift's
/// cooperative pool. Between two steps the thread admits waiting requests; a new request's prompt
/// is decoded in chunks of `limits.prefillChunk` tokens, one chunk per step after the running
/// sequences' next tokens, so it does not stall them. Each sequence is sampled with its own
/// watermark sampler, key, seed, sampling parameters and stop strings (`SequenceState`, the same
/// code the single-sequence `Generator.generate` runs), streamed to its own caller, and its KV
/// cells are freed (`llama_memory_seq_rm`) as soon as it finishes, fails or is cancelled.
///
/// Submissions beyond `maxConcurrent` wait inside the scheduler until a sequence is free; a server
/// bounds them before they get here (`GenerationGate` with `maxActive == maxConcurrent`).
public final class BatchScheduler: Sendable {
    /// The limits a scheduler is built with.
    public struct Limits: Sendable, Equatable {
        /// Sequences decoded together (llama.cpp's `n_seq_max`), 1...64.
        public var maxConcurrent: Int
        /// Most context tokens (prompt, output and one spare) one generation may use.
        public var contextPerSequence: Int
        /// Prompt tokens decoded per step (one chunk of one sequence being admitted; the last
        /// chunk of a prompt takes up to twice this less one).
        public var prefillChunk: Int

        /// The defaults of `greenmarkd serve`: 4 sequences of 1,024 tokens, 64 prompt tokens a step.
        public init(maxConcurrent: Int = 4, contextPerSequence: Int = 1_024, prefillChunk: Int = 64) {
            self.maxConcurrent = maxConcurrent
            self.contextPerSequence = contextPerSequence
            self.prefillChunk = prefillChunk
        }

        /// Largest `maxConcurrent` accepted (llama.cpp allows 256 sequences; beyond 64 the step's
        /// sampling alone outlasts the decode on a small machine).
        public static let maximumConcurrent = 64

        /// KV cells llama.cpp gives each sequence: the cap rounded up to a multiple of 256.
        public var cellsPerSequence: Int { (contextPerSequence + 255) / 256 * 256 }

        /// Tokens one `llama_decode` may hold: every sequence's next token, or one prompt chunk
        /// (up to two chunks less one, `BatchWorker.prefillLength`).
        var batchCapacity: Int { max(maxConcurrent, 2 * prefillChunk) }
    }

    /// What one decode step did, for metrics (`observer`).
    public struct Step: Sendable, Equatable {
        /// Sequences with a token in the step's batch (0: the scheduler went idle).
        public let sequences: Int
        /// Tokens in the step's batch: one per generating sequence plus prompt tokens.
        public let tokens: Int
        /// Sequences holding KV cells after the step.
        public let active: Int
        /// Submissions waiting for a free sequence.
        public let waiting: Int
    }

    public let model: LlamaModel
    public let limits: Limits
    private let inbox: BatchInbox
    private let observer: (@Sendable (Step) -> Void)?

    /// A scheduler for `model` within `limits`; `observer` is called on the scheduler's thread
    /// after every step and when it goes idle. The context and the thread are created on the
    /// first submission and released when the scheduler is.
    public init(model: LlamaModel, limits: Limits = Limits(), observer: (@Sendable (Step) -> Void)? = nil) throws(GreenmarkError) {
        guard (1...Limits.maximumConcurrent).contains(limits.maxConcurrent) else {
            throw GreenmarkError(.generationInvalid, "the scheduler's concurrency must be in 1...\(Limits.maximumConcurrent)")
        }
        guard limits.contextPerSequence >= 16, limits.prefillChunk >= 1 else {
            throw GreenmarkError(.generationInvalid, "the scheduler needs at least 16 context tokens per sequence and a prompt chunk of 1")
        }
        self.model = model
        self.limits = limits
        self.observer = observer
        inbox = BatchInbox()
    }

    deinit {
        inbox.state.withLock { $0.closed = true }
        inbox.wake.signal()
    }

    /// A generator whose `prepare` refuses what does not fit in one sequence of this scheduler.
    public var generator: Generator { Generator(model: model, contextLimit: limits.contextPerSequence) }

    /// Sequences running (holding KV cells) and submissions waiting for one.
    public var counts: (active: Int, waiting: Int) {
        inbox.state.withLock { ($0.active, $0.pending.count) }
    }

    /// Runs `prepared` in the batch. `onText` receives the output as it grows and `completion` the
    /// result (or the error), both on the scheduler's thread; `completion` runs once, after the
    /// sequence's KV cells are free. A cancelled `cancel` stops the generation before its next
    /// token (finish reason `cancelled`).
    public func submit(
        _ prepared: Generator.Prepared, cancel: CancellationFlag = CancellationFlag(),
        onText: @escaping @Sendable (String) -> Void = { _ in },
        completion: @escaping @Sendable (Result<GenerationResult, GreenmarkError>) -> Void
    ) {
        guard prepared.contextTokens <= min(limits.contextPerSequence, model.trainedContextLength) else {
            completion(
                .failure(
                    GreenmarkError(
                        .generationInvalid,
                        "prompt (\(prepared.prompt.tokens.count) tokens) plus max tokens (\(prepared.request.maxTokens)) exceeds the context of \(limits.contextPerSequence) tokens per generation"
                    )))
            return
        }
        let submission = BatchSubmission(prepared: prepared, cancel: cancel, onText: onText, completion: completion)
        let startThread = inbox.state.withLock { s -> Bool in
            s.pending.append(submission)
            defer { s.started = true }
            return !s.started
        }
        if startThread {
            let (model, limits, inbox, observer) = (model, limits, inbox, observer)
            let thread = Thread { BatchWorker(model: model, limits: limits, inbox: inbox, observer: observer).run() }
            thread.name = "greenmark-batch"
            thread.start()
        }
        inbox.wake.signal()
    }

    /// Streams a prepared generation as events. It stops at the next token when `cancel` is
    /// cancelled or the stream is dropped or its consumer cancelled; `onExit` runs once the
    /// sequence no longer holds KV cells (after the last token, an error or a cancellation),
    /// before the stream finishes.
    public func stream(
        _ prepared: Generator.Prepared, cancel: CancellationFlag = CancellationFlag(),
        onExit: @escaping @Sendable () -> Void = {}
    ) -> AsyncThrowingStream<GenerationEvent, any Error> {
        AsyncThrowingStream { continuation in
            continuation.onTermination = { _ in cancel.cancel() }
            submit(prepared, cancel: cancel, onText: { continuation.yield(.text($0)) }) { result in
                onExit()
                switch result {
                case .success(let r):
                    continuation.yield(.finished(r))
                    continuation.finish()
                case .failure(let error):
                    continuation.finish(throwing: error)
                }
            }
        }
    }

    /// Runs `prepared` in the batch and waits for its result (for callers off the cooperative
    /// pool: the CLI, benchmarks).
    public func generateBlocking(_ prepared: Generator.Prepared, onText: @escaping @Sendable (String) -> Void = { _ in })
        throws(GreenmarkError) -> GenerationResult
    {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<GenerationResult, GreenmarkError>?>(nil)
        submit(prepared, onText: onText) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}

/// A generation handed to the scheduler, with the callbacks that answer it.
struct BatchSubmission: Sendable {
    let prepared: Generator.Prepared
    let cancel: CancellationFlag
    let onText: @Sendable (String) -> Void
    let completion: @Sendable (Result<GenerationResult, GreenmarkError>) -> Void
}

/// What callers and the scheduler's thread share: the waiting submissions and counts, under one
/// lock, and the semaphore that wakes the idle thread.
final class BatchInbox: Sendable {
    struct State {
        var pending: [BatchSubmission] = []
        /// Sequences holding KV cells (written by the worker).
        var active = 0
        /// Whether the worker thread was started.
        var started = false
        /// The scheduler is gone: the worker finishes what it has, then exits.
        var closed = false
    }
    let state = Mutex(State())
    let wake = DispatchSemaphore(value: 0)
}
