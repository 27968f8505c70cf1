import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Budgets of scored tokens on the detection routes (`/v1/detect`, `/v1/certificates`): a bucket
/// per API token, and one per client address for requests without a token (an IPv6 address
/// counts by its /64, the block one subscriber usually holds). A bucket holds one day's
/// allowance and refills continuously at that allowance per day.
///
/// A request is admitted while its caller's bucket holds at least `minimumCharge`; after scoring
/// it is charged its scored tokens, at least `minimumCharge` (the fewest scored tokens any
/// verdict but `too_short` needs: a query's worth of information does not shrink with the text).
/// A long text may take the bucket below zero; the caller then waits until it has refilled.
/// Refused callers get 429 `budget.exhausted` with `Retry-After` (docs/daemon.md), and each
/// refusal episode (refusals between two admitted requests) is reported once, so that the daemon
/// audits it once. See docs/threat-model.md for why the unit is scored tokens and the defaults.
public final class ScoringBudget: Sendable {
    /// Scored tokens per day; nil turns that kind of budget off.
    public struct Policy: Sendable, Equatable {
        /// Per API token.
        public let perToken: Int?
        /// Per client address (requests without a token).
        public let perAddress: Int?

        public init(perToken: Int?, perAddress: Int?) {
            precondition(
                (perToken ?? ScoringBudget.minimumCharge) >= ScoringBudget.minimumCharge
                    && (perAddress ?? ScoringBudget.minimumCharge) >= ScoringBudget.minimumCharge,
                "a budget must allow at least one request's minimum charge")
            self.perToken = perToken
            self.perAddress = perAddress
        }

        /// The shipped defaults (docs/threat-model.md, "Budgets"): 200,000 scored tokens a day per
        /// token (about 400 essays of 400 words), 50,000 per address without a token.
        public static let `default` = Policy(perToken: 200_000, perAddress: 50_000)
    }

    /// Who pays for a request.
    public enum Caller: Sendable, Hashable {
        /// An API token, by id.
        case token(String)
        /// A client address without a token (already reduced by `addressKey`).
        case address(String)

        var key: String {
            switch self {
            case .token(let id): "token:" + id
            case .address(let a): "address:" + a
            }
        }

        /// How the audit log names the caller.
        public var auditActor: String { key }
    }

    /// The outcome of an admission check.
    public enum Decision: Sendable, Equatable {
        case allowed
        /// Refused; retry after this many whole seconds (at least 1). `firstRefusal` is true for
        /// the first refusal since the caller's last admitted request.
        case exhausted(retryAfter: Int, firstRefusal: Bool)
    }

    /// The least a scoring request is charged: the minimum number of scored tokens for a verdict.
    public static let minimumCharge = 50

    public let policy: Policy
    private let buckets: TokenBuckets

    public init(policy: Policy, sweepThreshold: Int = 10_000) {
        self.policy = policy
        buckets = TokenBuckets(sweepThreshold: sweepThreshold)
    }

    /// The daily allowance that applies to `caller`, or nil when unlimited.
    public func allowance(for caller: Caller) -> Int? {
        switch caller {
        case .token: policy.perToken
        case .address: policy.perAddress
        }
    }

    /// Whether `caller` may start a scoring request now.
    public func admit(_ caller: Caller) -> Decision {
        guard let perDay = allowance(for: caller) else { return .allowed }
        return update(caller, perDay: perDay) { bucket, rate in
            if bucket.balance >= Double(Self.minimumCharge) {
                bucket.refusing = false
                return .allowed
            }
            let first = !bucket.refusing
            bucket.refusing = true
            let seconds = (Double(Self.minimumCharge) - bucket.balance) / rate
            return .exhausted(retryAfter: max(1, Int(min(seconds, 1e9).rounded(.up))), firstRefusal: first)
        }
    }

    /// Charges `caller` for a request that scored `scored` tokens (at least `minimumCharge`).
    /// Returns the amount charged.
    @discardableResult
    public func charge(_ caller: Caller, scored: Int) -> Int {
        let amount = max(scored, Self.minimumCharge)
        guard let perDay = allowance(for: caller) else { return amount }
        update(caller, perDay: perDay) { bucket, _ in bucket.balance -= Double(amount) }
        return amount
    }

    /// The caller's balance now (a full bucket for callers never seen), or nil when unlimited.
    public func balance(_ caller: Caller) -> Double? {
        guard let perDay = allowance(for: caller) else { return nil }
        return update(caller, perDay: perDay) { bucket, _ in bucket.balance }
    }

    private func update<T>(_ caller: Caller, perDay: Int, _ body: (inout TokenBuckets.Bucket, Double) -> T) -> T {
        let refill = Self.refill(perDay)
        // A full bucket is the same as no bucket; the sweep drops those (their allowance may differ
        // by kind, so each is judged against its own).
        let perToken = policy.perToken.map(Self.refill)
        let perAddress = policy.perAddress.map(Self.refill)
        return buckets.update(caller.key, refill: refill, sweeping: { $0.hasPrefix("token:") ? perToken : perAddress }) {
            body(&$0, refill.perSecond)
        }
    }

    /// A bucket holding one day's allowance, refilled at that allowance per day.
    private static func refill(_ perDay: Int) -> TokenBuckets.Refill {
        TokenBuckets.Refill(capacity: Double(perDay), perSecond: Double(perDay) / 86_400)
    }

    /// The budget key of a client address: an IPv4 address as it is (an IPv4-mapped IPv6 address
    /// as its IPv4 form), an IPv6 address by its /64 prefix, anything else (a socket path) as is.
    public static func addressKey(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)  // an in6_addr
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes[12..<16].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
