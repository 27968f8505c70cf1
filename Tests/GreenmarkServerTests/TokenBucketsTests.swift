import Testing

@testable import GreenmarkServer

/// The token buckets behind `RateLimiter` and `ScoringBudget`: refill, cap, and the sweep of full buckets.
@Suite("Token buckets")
struct TokenBucketsTests {
    let start = ContinuousClock().now
    let refill = TokenBuckets.Refill(capacity: 10, perSecond: 2)

    @Test("a caller never seen starts full; a bucket refills at its rate and never beyond its capacity")
    func refillAndCap() {
        let buckets = TokenBuckets(sweepThreshold: 100, now: start)
        let first = buckets.update("a", refill: refill, now: start, sweeping: { _ in refill }) { bucket in
            bucket.balance -= 9
            return bucket.balance
        }
        #expect(first == 1)
        let later = buckets.update("a", refill: refill, now: start + .seconds(2), sweeping: { _ in refill }) { $0.balance }
        #expect(later == 5)
        let full = buckets.update("a", refill: refill, now: start + .seconds(60), sweeping: { _ in refill }) { $0.balance }
        #expect(full == 10)
    }

    @Test("above the threshold, a sweep (at most once a second) drops full buckets and those without a refill, and keeps the rest")
    func sweep() {
        let buckets = TokenBuckets(sweepThreshold: 2, now: start)
        let refills: [String: TokenBuckets.Refill] = ["spent": refill, "full": refill, "new": refill]
        func touch(_ key: String, at t: ContinuousClock.Instant, spend: Double) {
            buckets.update(key, refill: refill, now: t, sweeping: { refills[$0] }) { $0.balance -= spend }
        }
        touch("spent", at: start, spend: 10)
        touch("full", at: start, spend: 0)
        touch("unknown", at: start, spend: 5)  // the third caller: no sweep yet (less than a second since the last)
        // One second on, a fourth caller makes four buckets: "full" (full again) and "unknown" (no refill) are
        // dropped, "spent" (2 of 10) stays; "unknown" then starts full again instead of at 5 + 2.
        touch("new", at: start + .seconds(1), spend: 10)
        let spent = buckets.update("spent", refill: refill, now: start + .seconds(1), sweeping: { refills[$0] }) { $0.balance }
        #expect(spent == 2)
        let fresh = buckets.update("unknown", refill: refill, now: start + .seconds(1), sweeping: { refills[$0] }) { $0.balance }
        #expect(fresh == 10)
    }
}
