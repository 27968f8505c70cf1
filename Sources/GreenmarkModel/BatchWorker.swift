import CLlama
import Dispatch
import GreenmarkCore
import Synchronization

/// The thread behind a `BatchScheduler`: owns the llama.cpp context and the batch, and loops
/// admit → drop cancelled → one `llama_decode` for every generating sequence → sample each →
/// one prompt chunk of a sequence being admitted.
///
/// Everything here is confined to that one thread; callers reach it only through `BatchInbox`.
///
/// Sequence ids: llama.cpp keeps one KV stream per sequence (`kv_unified = false`, so a sequence's
/// cells are laid out exactly as in a context of its own) and splits a batch into equal parts
/// over runs of consecutive sequence ids (`split_equal`). So a batch lists its tokens by
/// ascending sequence id, and a new sequence takes the lowest free id: the active ids stay one
/// run, and a step stays one graph evaluation, except while a finished sequence leaves a gap that
/// no newcomer has filled yet. A prompt chunk goes in a `llama_decode` of its own: beside other
/// sequences' tokens, `split_equal` would cut it into a 1-token piece and the rest.
final class BatchWorker {
    /// One admitted generation.
    final class Running {
        let id: Int32
        let submission: BatchSubmission
        var state: SequenceState
        let prompt: [llama_token]
        /// Prompt tokens decoded so far.
        var prefilled = 0
        /// The sampled token to decode next (nil while the prompt is being decoded).
        var next: llama_token?
        /// Tokens of this sequence in the KV cache.
        var position: Int32 = 0
        /// The batch index of the token whose logits this sequence samples from (-1: none).
        var logitsIndex: Int32 = -1

        init(id: Int32, submission: BatchSubmission) {
            self.id = id
            self.submission = submission
            state = SequenceState(submission.prepared)
            prompt = submission.prepared.prompt.tokens.map { llama_token(bitPattern: $0) }
        }
    }

    private let model: LlamaModel
    private let limits: BatchScheduler.Limits
    private let inbox: BatchInbox
    private let observer: (@Sendable (BatchScheduler.Step) -> Void)?
    private let vocabularySize: Int
    private var context: OpaquePointer?
    private var batch: llama_batch
    /// Free sequence ids, ascending.
    private var free: [Int32]
    /// Admitted generations, oldest first (the order prompt chunks are given out in).
    private var running: [Running] = []
    private var reportedIdle = true

    init(model: LlamaModel, limits: BatchScheduler.Limits, inbox: BatchInbox, observer: (@Sendable (BatchScheduler.Step) -> Void)?) {
        self.model = model
        self.limits = limits
        self.inbox = inbox
        self.observer = observer
        vocabularySize = Int(llama_vocab_n_tokens(model.handle.vocab))
        batch = llama_batch_init(Int32(limits.batchCapacity), 0, 1)
        free = (0..<Int32(limits.maxConcurrent)).map { $0 }
    }

    deinit {
        llama_batch_free(batch)
        if let context { llama_free(context) }
    }

    /// The loop; returns once the scheduler is gone and nothing is left to run.
    func run() {
        while true {
            let (incoming, closed) = inbox.state.withLock { s in
                let n = min(free.count, s.pending.count)
                defer { s.pending.removeFirst(n) }
                return (Array(s.pending.prefix(n)), s.closed)
            }
            admit(incoming)
            for r in running where r.submission.cancel.isCancelled {
                r.state.cancel()
                finish(r)
            }
            if running.isEmpty {
                let idle = inbox.state.withLock { $0.pending.isEmpty }
                if idle, closed { return }
                if idle {
                    if !reportedIdle { observer?(BatchScheduler.Step(sequences: 0, tokens: 0, active: 0, waiting: 0)) }
                    reportedIdle = true
                    inbox.wake.wait()
                }
                continue
            }
            step()
        }
    }

    private func admit(_ incoming: [BatchSubmission]) {
        guard !incoming.isEmpty else { return }
        if context == nil {
            do {
                context = try makeContext()
            } catch {
                for submission in incoming { submission.completion(.failure(error)) }
                return
            }
        }
        for submission in incoming {
            let r = Running(id: free.removeFirst(), submission: submission)
            running.append(r)
        }
        publishActive()
    }

    private func makeContext() throws(GreenmarkError) -> OpaquePointer {
        var params = llama_context_default_params()
        params.n_seq_max = UInt32(limits.maxConcurrent)
        params.n_ctx = UInt32(limits.maxConcurrent * limits.cellsPerSequence)
        params.kv_unified = false
        params.n_batch = UInt32(limits.batchCapacity)
        params.n_ubatch = params.n_batch
        params.n_threads = Int32(model.threads)
        params.n_threads_batch = Int32(model.threads)
        params.no_perf = true
        guard let ctx = llama_init_from_model(model.handle.pointer, params) else {
            throw GreenmarkError(
                .modelLoadFailed,
                "llama.cpp could not create a context of \(limits.maxConcurrent) sequences × \(limits.cellsPerSequence) tokens")
        }
        return ctx
    }

    /// One step: one `llama_decode` with the next token of every generating sequence, then one
    /// with the next prompt chunk of the oldest sequence being admitted (`prefillLength`).
    private func step() {
        guard let context else { return }
        var sequences = 0
        var tokens = 0
        // Generating sequences, by ascending id (see the type's comment).
        let generating = running.filter { $0.next != nil }.sorted { $0.id < $1.id }
        if !generating.isEmpty {
            batch.n_tokens = 0
            for r in generating { r.logitsIndex = add(r.next!, position: r.position, sequence: r.id, logits: true) }
            let t0 = DispatchTime.now().uptimeNanoseconds
            guard decode(context) else { return }
            let elapsed = DispatchTime.now().uptimeNanoseconds - t0
            (sequences, tokens) = (generating.count, generating.count)
            for r in generating {
                r.state.decodeNanos += elapsed
                r.position += 1
                sample(r, context)
            }
        }
        if let r = running.first(where: { $0.next == nil }) {
            let n = prefillLength(remaining: r.prompt.count - r.prefilled)
            batch.n_tokens = 0
            r.logitsIndex = -1
            for k in r.prefilled..<(r.prefilled + n) {
                let last = k == r.prompt.count - 1
                let index = add(r.prompt[k], position: Int32(k), sequence: r.id, logits: last)
                if last { r.logitsIndex = index }
            }
            guard decode(context) else { return }
            r.prefilled += n
            r.position = Int32(r.prefilled)
            sequences += 1
            tokens += n
            if r.logitsIndex >= 0 { sample(r, context) }
        }
        reportedIdle = false
        observer?(BatchScheduler.Step(sequences: sequences, tokens: tokens, active: running.count, waiting: waitingCount))
    }

    /// Prompt tokens to decode in the next chunk: `prefillChunk`, or all that remain when fewer
    /// than two chunks remain. So a prompt of at least 64 tokens is decoded in pieces of at least
    /// 64, as the single-sequence path decodes it whole: llama.cpp's CPU flash attention takes a
    /// tiled kernel for 64 or more queries and another below, and a query's result is the same
    /// in any piece handled by the same kernel (docs/generation.md, "Batching").
    private func prefillLength(remaining: Int) -> Int {
        remaining < 2 * limits.prefillChunk ? remaining : limits.prefillChunk
    }

    /// Runs `llama_decode` on the batch; on failure every running sequence fails (its KV cells
    /// are freed) and false is returned.
    private func decode(_ context: OpaquePointer) -> Bool {
        let status = llama_decode(context, batch)
        guard status == 0 else {
            let error = GreenmarkError(.modelLoadFailed, "llama_decode failed (\(status)) on a batch of \(batch.n_tokens) tokens")
            for r in running { finish(r, failure: error) }
            llama_memory_clear(llama_get_memory(context), false)
            return false
        }
        return true
    }

    /// Samples `r`'s next token from its logits in the last batch; finishes it when it ends.
    private func sample(_ r: Running, _ context: OpaquePointer) {
        guard let logits = llama_get_logits_ith(context, r.logitsIndex) else {
            finish(r, failure: GreenmarkError(.modelLoadFailed, "llama.cpp returned no logits"))
            return
        }
        let logitsBuffer = UnsafeBufferPointer(start: logits, count: vocabularySize)
        if let token = r.state.step(logits: logitsBuffer, model: model, onText: r.submission.onText) {
            r.next = token
        } else {
            finish(r)
        }
    }

    private func add(_ token: llama_token, position: Int32, sequence: Int32, logits: Bool) -> Int32 {
        let i = Int(batch.n_tokens)
        batch.token[i] = token
        batch.pos[i] = position
        batch.n_seq_id[i] = 1
        batch.seq_id[i]![0] = sequence
        batch.logits[i] = logits ? 1 : 0
        batch.n_tokens += 1
        return Int32(i)
    }

    /// Frees the sequence's KV cells and id, then answers its caller (so that a caller who then
    /// submits again finds a free sequence).
    private func finish(_ r: Running, failure: GreenmarkError? = nil) {
        guard let index = running.firstIndex(where: { $0 === r }) else { return }
        running.remove(at: index)
        if let context { _ = llama_memory_seq_rm(llama_get_memory(context), r.id, -1, -1) }
        free.insert(r.id, at: free.firstIndex(where: { $0 > r.id }) ?? free.count)
        publishActive()
        if let failure {
            r.submission.completion(.failure(failure))
        } else {
            let result = r.state.result(model: model, onText: r.submission.onText)
            r.submission.completion(.success(result))
        }
    }

    private func publishActive() {
        let count = running.count
        inbox.state.withLock { $0.active = count }
    }

    private var waitingCount: Int { inbox.state.withLock { $0.pending.count } }
}
