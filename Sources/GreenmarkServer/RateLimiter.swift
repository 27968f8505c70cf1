import Foundation
import Synchronization

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

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private struct State {
        var buckets: [String: Bucket] = [:]
        var lastSweep: ContinuousClock.Instant
    }

    public let policy: Policy
    private let clock = ContinuousClock()
    private let state: Mutex<State>
    /// Above this many callers, full (idle) buckets are dropped: they are equivalent to no bucket.
    private let sweepThreshold: Int

    public init(policy: Policy, sweepThreshold: Int = 10_000) {
        self.policy = policy
        self.sweepThreshold = sweepThreshold
        state = Mutex(State(lastSweep: ContinuousClock().now))
    }

    /// Takes one request from `key`'s bucket.
    public func acquire(_ key: String) -> Decision {
        let now = clock.now
        let policy = policy
        let sweepThreshold = sweepThreshold
        return state.withLock { state in
            var bucket = state.buckets[key] ?? Bucket(tokens: Double(policy.burst), updated: now)
            bucket.tokens = min(Double(policy.burst), bucket.tokens + Self.seconds(now - bucket.updated) * policy.ratePerSecond)
            bucket.updated = now
            let decision: Decision
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                decision = .allowed
            } else {
                decision = .limited(retryAfter: max(1, Int(((1 - bucket.tokens) / policy.ratePerSecond).rounded(.up))))
            }
            state.buckets[key] = bucket
            if state.buckets.count > sweepThreshold, Self.seconds(now - state.lastSweep) >= 1 {
                state.buckets = state.buckets.filter { _, b in
                    b.tokens + Self.seconds(now - b.updated) * policy.ratePerSecond < Double(policy.burst)
                }
                state.lastSweep = now
            }
            return decision
        }
    }

    private static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
