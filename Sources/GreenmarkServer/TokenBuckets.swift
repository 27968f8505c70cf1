/// Token buckets keyed by caller: each holds a balance that refills continuously at its rate up to
/// its capacity. A full bucket is the same as no bucket, so above `sweepThreshold` callers the
/// full ones are dropped (at most once a second). `RateLimiter` and `ScoringBudget` keep one each,
/// inside their lock.
struct TokenBuckets {
    /// One caller's bucket.
    struct Bucket {
        var balance: Double
        var updated: ContinuousClock.Instant
        /// Whether the last admission check refused this caller (for reporting a refusal episode once).
        var refusing = false
    }

    /// How a bucket refills: it holds at most `capacity` and gains `perSecond` each second.
    struct Refill: Equatable {
        let capacity: Double
        let perSecond: Double
    }

    private var buckets: [String: Bucket] = [:]
    private var lastSweep: ContinuousClock.Instant
    private let sweepThreshold: Int

    init(sweepThreshold: Int, now: ContinuousClock.Instant) {
        self.sweepThreshold = sweepThreshold
        lastSweep = now
    }

    /// Refills `key`'s bucket (a full one for a caller never seen) to `now`, lets `body` read or
    /// change it, stores it, then sweeps if needed; `refill(key)` gives each stored key's refill,
    /// nil to drop that key when sweeping.
    mutating func update<T>(
        _ key: String, refill: Refill, now: ContinuousClock.Instant,
        sweeping sweepRefill: (String) -> Refill?, _ body: (inout Bucket) -> T
    ) -> T {
        var bucket = buckets[key] ?? Bucket(balance: refill.capacity, updated: now)
        bucket.balance = min(refill.capacity, bucket.balance + Self.seconds(now - bucket.updated) * refill.perSecond)
        bucket.updated = now
        let result = body(&bucket)
        buckets[key] = bucket
        if buckets.count > sweepThreshold, Self.seconds(now - lastSweep) >= 1 {
            buckets = buckets.filter { key, b in
                guard let r = sweepRefill(key) else { return false }
                return b.balance + Self.seconds(now - b.updated) * r.perSecond < r.capacity
            }
            lastSweep = now
        }
        return result
    }

    /// A duration in seconds.
    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
