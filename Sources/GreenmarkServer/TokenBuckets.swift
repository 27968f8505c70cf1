import Synchronization

/// Token buckets keyed by caller, safe to share between requests: each holds a balance that refills
/// continuously at its rate up to its capacity. A full bucket is the same as no bucket, so above
/// `sweepThreshold` callers the full ones are dropped (at most once a second). `RateLimiter` and
/// `ScoringBudget` keep one each.
final class TokenBuckets: Sendable {
    /// One caller's bucket.
    struct Bucket {
        var balance: Double
        var updated: ContinuousClock.Instant
        /// Whether the last admission check refused this caller (for reporting a refusal episode once).
        var refusing = false
    }

    /// How a bucket refills: it holds at most `capacity` and gains `perSecond` each second.
    struct Refill: Equatable, Sendable {
        let capacity: Double
        let perSecond: Double
    }

    private struct State {
        var buckets: [String: Bucket] = [:]
        var lastSweep: ContinuousClock.Instant
    }

    private let clock = ContinuousClock()
    private let state: Mutex<State>
    private let sweepThreshold: Int

    init(sweepThreshold: Int, now: ContinuousClock.Instant = ContinuousClock().now) {
        self.sweepThreshold = sweepThreshold
        state = Mutex(State(lastSweep: now))
    }

    /// Refills `key`'s bucket (a full one for a caller never seen) to `now` (the clock's time when
    /// nil), lets `body` read or change it, stores it, then sweeps if needed; `sweepRefill(key)`
    /// gives each stored key's refill, nil to drop that key when sweeping.
    func update<T>(
        _ key: String, refill: Refill, now: ContinuousClock.Instant? = nil,
        sweeping sweepRefill: (String) -> Refill?, _ body: (inout Bucket) -> T
    ) -> T {
        let now = now ?? clock.now
        let sweepThreshold = sweepThreshold
        return state.withLock { state in
            var bucket = state.buckets[key] ?? Bucket(balance: refill.capacity, updated: now)
            bucket.balance = min(refill.capacity, bucket.balance + Self.seconds(now - bucket.updated) * refill.perSecond)
            bucket.updated = now
            let result = body(&bucket)
            state.buckets[key] = bucket
            if state.buckets.count > sweepThreshold, Self.seconds(now - state.lastSweep) >= 1 {
                state.buckets = state.buckets.filter { key, b in
                    guard let r = sweepRefill(key) else { return false }
                    return b.balance + Self.seconds(now - b.updated) * r.perSecond < r.capacity
                }
                state.lastSweep = now
            }
            return result
        }
    }

    /// A duration in seconds.
    private static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
