import Dispatch
import GreenmarkModel
import Metrics
import Synchronization

/// Admits at most `maxActive` generations at once and queues at most `maxQueued` more; anything
/// beyond is refused at once (503 with Retry-After) instead of piling up on the model.
///
/// A place is a `Slot`, released exactly once on every path: explicitly (`release()`), or when the
/// last reference to it goes away. A queued caller leaves the queue when its wait times out
/// (`queueTimeout`), when its `abandon` flag is cancelled (the client went away), when its task is
/// cancelled, or when the gate shuts down. `shutDown(grace:)` refuses new and queued callers and,
/// after the grace period, cancels the generations still running.
public final class GenerationGate: Sendable {
    /// Why a caller was not admitted.
    public enum Refusal: Error, Sendable, Equatable {
        /// The queue is full.
        case busy
        /// The caller waited `queueTimeout` without getting a place.
        case timedOut
        /// The gate is shutting down (SIGTERM).
        case shuttingDown
        /// The caller went away or its task was cancelled while waiting.
        case cancelled
    }

    /// A place at the model. Its `cancellation` flag stops the generation using it (the gate sets
    /// it when the shutdown's grace period ends).
    public final class Slot: Sendable {
        public let cancellation: CancellationFlag
        fileprivate let id: UInt64
        private let gate: GenerationGate
        private let released = Atomic<Bool>(false)

        fileprivate init(gate: GenerationGate, id: UInt64, cancellation: CancellationFlag) {
            self.gate = gate
            self.id = id
            self.cancellation = cancellation
        }

        /// Gives the place back (to the oldest waiter, if any). Idempotent; also runs when the
        /// last reference to the slot goes away.
        public func release() {
            guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
            gate.free(id)
        }

        deinit { release() }
    }

    public let maxActive: Int
    public let maxQueued: Int
    /// Longest wait in the queue (nil: no limit).
    public let queueTimeout: Duration?

    private typealias Continuation = CheckedContinuation<Result<Slot, Refusal>, Never>
    private struct State {
        /// Running slots and their cancellation flags.
        var active: [UInt64: CancellationFlag] = [:]
        /// Waiting callers, oldest first.
        var waiters: [(id: UInt64, continuation: Continuation)] = []
        /// Callers admitted to the queue that have not registered their continuation yet.
        var arriving: Set<UInt64> = []
        /// Arriving callers that were cancelled or timed out before registering.
        var gone: [UInt64: Refusal] = [:]
        var nextID: UInt64 = 0
        var closed = false
        /// Slots handed out by `enter()`, released by `leave()`.
        var entered: [Slot] = []
    }
    private let state = Mutex(State())
    /// Prometheus gauge prefix, once `publishMetrics(prefix:)` was called.
    private let metricsPrefix = Mutex<String?>(nil)

    public init(maxActive: Int, maxQueued: Int, queueTimeout: Duration? = .seconds(60)) {
        self.maxActive = maxActive
        self.maxQueued = maxQueued
        self.queueTimeout = queueTimeout
    }

    /// Publishes `PREFIX_active` and `PREFIX_queued` gauges from now on.
    public func publishMetrics(prefix: String) {
        metricsPrefix.withLock { $0 = prefix }
        state.withLock { updateGauges($0) }
    }

    /// Generations running and waiting.
    public var counts: (active: Int, queued: Int) {
        state.withLock { ($0.active.count, $0.waiters.count + $0.arriving.count) }
    }

    /// Whether `shutDown(grace:)` was called.
    public var isShuttingDown: Bool { state.withLock { $0.closed } }

    /// Waits for a place. `abandon`, when cancelled, takes the caller out of the queue, and once
    /// the caller holds a slot it cancels the slot's flag (stopping the generation).
    public func acquire(abandon: CancellationFlag = CancellationFlag()) async throws(Refusal) -> Slot {
        let slot = try await admit(abandon: abandon)
        let flag = slot.cancellation
        abandon.onCancel { flag.cancel() }
        return slot
    }

    private func admit(abandon: CancellationFlag) async throws(Refusal) -> Slot {
        enum Admission {
            case granted(Slot)
            case refused(Refusal)
            case queued(UInt64)
        }
        let admission: Admission = state.withLock { s in
            if s.closed { return .refused(.shuttingDown) }
            if abandon.isCancelled { return .refused(.cancelled) }
            if s.active.count < maxActive, s.waiters.isEmpty, s.arriving.isEmpty {
                return .granted(makeSlot(&s))
            }
            guard s.waiters.count + s.arriving.count < maxQueued else { return .refused(.busy) }
            let id = s.nextID
            s.nextID += 1
            s.arriving.insert(id)
            updateGauges(s)
            return .queued(id)
        }
        let id: UInt64
        switch admission {
        case .granted(let slot): return slot
        case .refused(let refusal): throw refusal
        case .queued(let queued): id = queued
        }
        if let queueTimeout {
            let (seconds, attoseconds) = queueTimeout.components
            let nanoseconds = Int(clamping: seconds) &* 1_000_000_000 &+ Int(attoseconds / 1_000_000_000)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(max(0, nanoseconds))) { [self] in
                withdraw(id, .timedOut)
            }
        }
        abandon.onCancel { [self] in withdraw(id, .cancelled) }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Continuation) in
                let immediate: Result<Slot, Refusal>? = state.withLock { s in
                    s.arriving.remove(id)
                    defer { updateGauges(s) }
                    if let refusal = s.gone.removeValue(forKey: id) { return .failure(refusal) }
                    if s.closed { return .failure(.shuttingDown) }
                    // A place may have come free since the caller was queued.
                    if s.active.count < maxActive, s.waiters.isEmpty { return .success(makeSlot(&s)) }
                    s.waiters.append((id, continuation))
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: { [self] in
            withdraw(id, .cancelled)
        }
        return try result.get()
    }

    /// Refuses new callers and empties the queue (each waiter gets `.shuttingDown`); after
    /// `grace`, cancels the generations still running (they stop at their next token).
    public func shutDown(grace: Duration) {
        let waiters = state.withLock { s in
            s.closed = true
            defer {
                s.waiters.removeAll()
                updateGauges(s)
            }
            return s.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: .failure(.shuttingDown)) }
        Task.detached { [self] in
            try? await Task.sleep(for: grace)
            for flag in state.withLock({ Array($0.active.values) }) { flag.cancel() }
        }
    }

    /// Waits for a place; false when refused (queue full, timed out, shutting down, cancelled).
    /// Pair every true with one `leave()`.
    public func enter() async -> Bool {
        guard let slot = try? await acquire() else { return false }
        state.withLock { $0.entered.append(slot) }
        return true
    }

    /// Frees a place taken by `enter()`.
    public func leave() {
        let slot = state.withLock { $0.entered.popLast() }
        slot?.release()
    }

    private func makeSlot(_ s: inout State) -> Slot {
        let flag = CancellationFlag()
        let id = s.nextID
        s.nextID += 1
        s.active[id] = flag
        updateGauges(s)
        return Slot(gate: self, id: id, cancellation: flag)
    }

    /// A slot was released: hand its place to the oldest waiter.
    fileprivate func free(_ id: UInt64) {
        let handOver: (Continuation, Slot)? = state.withLock { s in
            s.active[id] = nil
            defer { updateGauges(s) }
            guard !s.closed, !s.waiters.isEmpty else { return nil }
            let waiter = s.waiters.removeFirst()
            return (waiter.continuation, makeSlot(&s))
        }
        if let (continuation, slot) = handOver { continuation.resume(returning: .success(slot)) }
    }

    /// Takes a queued caller out with `refusal`, wherever it is; a no-op once it has a slot.
    private func withdraw(_ id: UInt64, _ refusal: Refusal) {
        let continuation: Continuation? = state.withLock { s in
            defer { updateGauges(s) }
            if let i = s.waiters.firstIndex(where: { $0.id == id }) { return s.waiters.remove(at: i).continuation }
            if s.arriving.contains(id), s.gone[id] == nil { s.gone[id] = refusal }
            return nil
        }
        continuation?.resume(returning: .failure(refusal))
    }

    private func updateGauges(_ s: State) {
        guard let prefix = metricsPrefix.withLock({ $0 }) else { return }
        Gauge(label: prefix + "_active").record(s.active.count)
        Gauge(label: prefix + "_queued").record(s.waiters.count + s.arriving.count)
    }
}
