import Foundation
import GreenmarkModel
import GreenmarkServer
import Testing

/// The gate's bookkeeping on every path: release, drop, timeout, the client leaving, task
/// cancellation, shutdown.
@Suite("Generation gate: every place is given back on every path")
struct GenerationGateTests {
    /// Waits until `gate` shows `active` and `queued` (the queue is entered asynchronously).
    func settle(_ gate: GenerationGate, active: Int, queued: Int) async -> Bool {
        for _ in 0..<400 {
            if gate.counts == (active, queued) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    @Test("admits maxActive, queues maxQueued in order, refuses the rest as busy; releasing hands the place to the oldest waiter")
    func order() async throws {
        let gate = GenerationGate(maxActive: 1, maxQueued: 2)
        let first = try await gate.acquire()
        let second = Task { try await gate.acquire() }
        #expect(await settle(gate, active: 1, queued: 1))
        let third = Task { try await gate.acquire() }
        #expect(await settle(gate, active: 1, queued: 2))
        await #expect(throws: GenerationGate.Refusal.busy) { try await gate.acquire() }
        first.release()
        let s2 = try await second.value
        #expect(gate.counts == (1, 1))
        first.release()  // idempotent: no second place appears
        #expect(gate.counts == (1, 1))
        s2.release()
        let s3 = try await third.value
        s3.release()
        #expect(gate.counts == (0, 0))
    }

    @Test("a slot whose last reference is dropped gives its place back")
    func dropped() async throws {
        let gate = GenerationGate(maxActive: 1, maxQueued: 1)
        do { _ = try await gate.acquire() }
        #expect(gate.counts == (0, 0))
        let waiter = Task { try await gate.acquire() }
        var held: GenerationGate.Slot? = try await gate.acquire()
        _ = held
        held = nil
        _ = try await waiter.value
    }

    @Test("a queued caller times out with .timedOut and leaves the queue")
    func timeout() async throws {
        let gate = GenerationGate(maxActive: 1, maxQueued: 1, queueTimeout: .milliseconds(200))
        let holder = try await gate.acquire()
        let started = ContinuousClock.now
        await #expect(throws: GenerationGate.Refusal.timedOut) { try await gate.acquire() }
        #expect(ContinuousClock.now - started >= .milliseconds(190))
        #expect(gate.counts == (1, 0))
        holder.release()
        #expect(gate.counts == (0, 0))
    }

    @Test("a client that leaves (its flag cancelled) or a cancelled task leaves the queue at once; a held slot's flag is cancelled with it")
    func abandoned() async throws {
        let gate = GenerationGate(maxActive: 1, maxQueued: 4, queueTimeout: nil)
        let holderGone = CancellationFlag()
        let holder = try await gate.acquire(abandon: holderGone)
        let gone = CancellationFlag()
        let waiter = Task { try await gate.acquire(abandon: gone) }
        let task = Task { try await gate.acquire() }
        #expect(await settle(gate, active: 1, queued: 2))
        gone.cancel()
        await #expect(throws: GenerationGate.Refusal.cancelled) { try await waiter.value }
        task.cancel()
        await #expect(throws: GenerationGate.Refusal.cancelled) { try await task.value }
        #expect(gate.counts == (1, 0))
        // Already gone before asking: refused without queueing.
        await #expect(throws: GenerationGate.Refusal.cancelled) { try await gate.acquire(abandon: gone) }
        // The holder's client leaves: its generation's flag is cancelled (the generation then ends and releases).
        #expect(!holder.cancellation.isCancelled)
        holderGone.cancel()
        #expect(holder.cancellation.isCancelled)
        holder.release()
        #expect(gate.counts == (0, 0))
    }

    @Test("shutdown: waiters and newcomers get .shuttingDown at once, running slots are cancelled after the grace")
    func shutdown() async throws {
        let gate = GenerationGate(maxActive: 1, maxQueued: 4, queueTimeout: nil)
        let running = try await gate.acquire()
        let waiter = Task { try await gate.acquire() }
        #expect(await settle(gate, active: 1, queued: 1))
        gate.shutDown(grace: .milliseconds(300))
        await #expect(throws: GenerationGate.Refusal.shuttingDown) { try await waiter.value }
        await #expect(throws: GenerationGate.Refusal.shuttingDown) { try await gate.acquire() }
        #expect(gate.isShuttingDown && !running.cancellation.isCancelled)
        try await Task.sleep(for: .milliseconds(600))
        #expect(running.cancellation.isCancelled)
        running.release()
        #expect(gate.counts == (0, 0))
    }

    @Test("enter/leave (the key-change queue) pair up as before")
    func enterLeave() async {
        let gate = GenerationGate(maxActive: 1, maxQueued: 0)
        #expect(await gate.enter())
        #expect(await !gate.enter())
        gate.leave()
        #expect(await gate.enter())
        gate.leave()
        #expect(gate.counts == (0, 0))
    }

    @Test("10,000 callers racing through releases, timeouts, departures and cancellations leave no place behind")
    func stress() async throws {
        let gate = GenerationGate(maxActive: 2, maxQueued: 8, queueTimeout: .milliseconds(20))
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<10_000 {
                group.addTask {
                    let gone = CancellationFlag()
                    if i % 7 == 0 {
                        Task {
                            try? await Task.sleep(for: .microseconds(50))
                            gone.cancel()
                        }
                    }
                    guard let slot = try? await gate.acquire(abandon: gone) else { return }
                    if i % 3 == 0 { await Task.yield() }
                    if i % 2 == 0 { slot.release() }  // odd ones are dropped instead
                }
            }
        }
        #expect(await settle(gate, active: 0, queued: 0))
    }
}
