/// Admits at most `maxActive` generations at once and queues at most `maxQueued` more; anything
/// beyond is refused at once (503 with Retry-After) instead of piling up on the model.
public actor GenerationGate {
    public let maxActive: Int
    public let maxQueued: Int
    private var active = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(maxActive: Int, maxQueued: Int) {
        self.maxActive = maxActive
        self.maxQueued = maxQueued
    }

    /// Waits for a slot; returns false (without waiting) when the queue is full.
    public func enter() async -> Bool {
        if active < maxActive {
            active += 1
            return true
        }
        guard waiters.count < maxQueued else { return false }
        await withCheckedContinuation { waiters.append($0) }
        return true
    }

    /// Frees a slot, handing it to the oldest waiter.
    public func leave() {
        if waiters.isEmpty {
            active -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
