import Foundation

/// Token buckets keyed by caller (a token id, or a client address for requests without a token):
/// each bucket holds up to `burst` requests and refills at `ratePerSecond`. A request that finds
/// its bucket empty is refused with the seconds until one request's worth has refilled.
public final class RateLimiter: Sendable {
    /// How fast buckets refill and how much they hold.
    public struct Policy: Sendable, Equatable {
        public let ratePerSecond: Double
        public let burst: Int

        public init(ratePerSecond: Double, burst: Int) {
            precondition(ratePerSecond > 0 && burst >= 1, "a rate limit needs a positive rate and a burst of at least 1")
            self.ratePerSecond = ratePerSecond
            self.burst = burst
        }
    }

    /// The outcome for one request.
    public enum Decision: Sendable, Equatable {
        case allowed
        /// Refused; retry after this many whole seconds (at least 1).
        case limited(retryAfter: Int)
    }

    public let policy: Policy
    /// Above `sweepThreshold` callers, full (idle) buckets are dropped: they are equivalent to no bucket.
    private let buckets: TokenBuckets

    public init(policy: Policy, sweepThreshold: Int = 10_000) {
        self.policy = policy
        buckets = TokenBuckets(sweepThreshold: sweepThreshold)
    }

    /// Takes one request from `key`'s bucket.
    public func acquire(_ key: String) -> Decision {
        let refill = TokenBuckets.Refill(capacity: Double(policy.burst), perSecond: policy.ratePerSecond)
        return buckets.update(key, refill: refill, sweeping: { _ in refill }) { bucket in
            if bucket.balance >= 1 {
                bucket.balance -= 1
                return .allowed
            }
            return .limited(retryAfter: max(1, Int(((1 - bucket.balance) / refill.perSecond).rounded(.up))))
        }
    }
}
