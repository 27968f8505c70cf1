import GreenmarkCore

#if canImport(Glibc)
    import Glibc
#endif

/// Draws the next token with the red/green watermark: delta is added to the logits of the tokens
/// that are green after the current context, then the token is sampled. For a gumbel-v1 key delta
/// does not apply: see `WatermarkSampler+Gumbel.swift`.
///
/// Plain multinomial sampling (no top-k, no top-p) is exact rejection sampling: propose a token
/// from the unbiased softmax, accept it if green, or with probability e^(-delta/T) if red. The
/// accepted token follows the biased distribution exactly, and each step costs one softmax pass
/// plus on average fewer than e^(delta/T) PRF calls (`docs/generation.md`).
///
/// With top-k or top-p, only the tokens that can still be drawn are sent through the PRF:
/// - greedy: tokens with logit >= max - delta (anything lower loses to the top token even if green);
/// - top-k: tokens with logit >= (k-th largest logit) - delta (exact: biasing moves a logit by at
///   most delta, so nothing below that can enter the biased top k);
/// - always: tokens with logit >= max - delta - T * B, B = ln(V) + ln(1/epsilon). Each token below
///   has probability < e^-B after biasing, so all of them together have < V e^-B = epsilon; with
///   epsilon = 1e-9 the sampled distribution is within total-variation distance 1e-9 of the
///   full-vocabulary one.
public struct WatermarkSampler: Sendable {
    /// Bound on the total probability of the tokens never evaluated.
    public static let epsilon = 1e-9

    public let prf: GreenListPRF?
    public let delta: Double
    public let parameters: SamplingParameters

    /// One sampling decision, with what it cost.
    public struct Draw: Sendable {
        public let token: UInt32
        /// Whether the drawn token is green (nil without a watermark).
        public let green: Bool?
        /// How many PRF evaluations the step needed.
        public let prfEvaluations: Int
    }

    /// A sampler; with `prf == nil` it samples without a watermark. Delta is 0 for gumbel-v1.
    public init(prf: GreenListPRF?, delta: Double, parameters: SamplingParameters) {
        self.prf = prf
        self.delta = prf == nil || prf?.gumbel != nil ? 0 : delta
        self.parameters = parameters
    }

    /// Draws a token from `logits` (one per vocabulary entry) after `context` (the last h ids). For a
    /// gumbel-v1 key the draw is the keyed Gumbel-max choice (`WatermarkSampler+Gumbel.swift`) and
    /// `rng` is not used; callers that generate several tokens should use `draw(logits:context:seen:using:)`.
    public func draw(logits: UnsafeBufferPointer<Float>, context: some Collection<UInt32>, using rng: inout SeededRandom) -> Draw {
        if let gumbel = prf?.gumbel { return gumbelDraw(logits: logits, context: context, prf: gumbel) }
        let v = logits.count
        var maxLogit = -Float.infinity
        for l in logits where l > maxLogit { maxLogit = l }
        let t = parameters.temperature
        if t > 0, parameters.topK == 0, parameters.topP >= 1 {
            return rejectionDraw(logits: logits, maxLogit: maxLogit, context: context, using: &rng)
        }
        let d = Float(delta)

        var cutoff: Float
        if t <= 0 {
            cutoff = maxLogit - d
        } else {
            let b = log(Double(v)) + log(1 / Self.epsilon)
            cutoff = maxLogit - d - Float(t * b)
            if parameters.topK > 0, parameters.topK < v {
                cutoff = max(cutoff, Self.kthLargest(logits, parameters.topK) - d)
            }
        }
        var ids: [UInt32] = []
        var biased: [Double] = []
        ids.reserveCapacity(256)
        for i in 0..<v where logits[i] >= cutoff {
            ids.append(UInt32(i))
            biased.append(Double(logits[i]))
        }
        var greens = [Bool](repeating: false, count: ids.count)
        if let prf {
            greens = prf.greenFlags(context: context, candidates: ids)
            for i in biased.indices where greens[i] { biased[i] += delta }
        }
        let evaluations = prf == nil ? 0 : ids.count

        if t <= 0 {
            var best = 0
            for i in biased.indices where biased[i] > biased[best] { best = i }
            return Draw(token: ids[best], green: prf == nil ? nil : greens[best], prfEvaluations: evaluations)
        }

        // Rank candidates by biased logit, apply top-k and top-p, sample.
        var order = Array(biased.indices)
        order.sort { biased[$0] > biased[$1] }
        if parameters.topK > 0, order.count > parameters.topK { order.removeLast(order.count - parameters.topK) }
        let top = biased[order[0]]
        var weights = order.map { exp((biased[$0] - top) / t) }
        let total = weights.reduce(0, +)
        if parameters.topP < 1 {
            var cumulative = 0.0
            var keep = weights.count
            for (n, w) in weights.enumerated() {
                cumulative += w / total
                if cumulative >= parameters.topP {
                    keep = n + 1
                    break
                }
            }
            weights.removeLast(weights.count - keep)
        }
        let kept = weights.reduce(0, +)
        var u = rng.unit() * kept
        var pick = weights.count - 1
        for (n, w) in weights.enumerated() {
            u -= w
            if u < 0 {
                pick = n
                break
            }
        }
        let index = order[pick]
        return Draw(token: ids[index], green: prf == nil ? nil : greens[index], prfEvaluations: evaluations)
    }

    /// Logits more than this many temperatures below the maximum form the "tail", whose weights
    /// are bounded by e^-tailCut instead of computed up front.
    static let tailCut: Float = 12

    /// Exact sampling from softmax((l + delta * green) / T), by two nested rejection steps:
    /// 1. Propose from softmax(l / T) without computing every weight: tokens within `tailCut`
    ///    temperatures of the maximum (the head) get their exact weight; every other token gets
    ///    the bound B = e^-tailCut >= its weight, and a tail proposal j is kept with probability
    ///    w_j / B. Each round therefore outputs token i with probability proportional to w_i.
    /// 2. Keep a proposed green token; keep a red one with probability e^(-delta/T).
    func rejectionDraw(logits: UnsafeBufferPointer<Float>, maxLogit: Float, context: some Collection<UInt32>, using rng: inout SeededRandom) -> Draw {
        let v = logits.count
        let inverseT = Float(1 / parameters.temperature)
        let headFloor = maxLogit - Self.tailCut / inverseT
        var headIDs: [UInt32] = []
        var cumulative: [Double] = []
        headIDs.reserveCapacity(1024)
        cumulative.reserveCapacity(1024)
        var headMass = 0.0
        for i in 0..<v where logits[i] >= headFloor {
            headMass += Double(expf((logits[i] - maxLogit) * inverseT))
            headIDs.append(UInt32(i))
            cumulative.append(headMass)
        }
        let tailBound = Double(expf(-Self.tailCut))
        let tailMass = Double(v - headIDs.count) * tailBound
        let redAcceptance = exp(-delta / parameters.temperature)
        var evaluations = 0
        while true {
            let u = rng.unit() * (headMass + tailMass)
            let token: UInt32
            if u < headMass {
                var lo = 0
                var hi = headIDs.count - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
                }
                token = headIDs[lo]
            } else {
                var j: Int
                repeat { j = Int(rng.next() % UInt64(v)) } while logits[j] >= headFloor
                let weight = Double(expf((logits[j] - maxLogit) * inverseT))
                guard rng.unit() * tailBound < weight else { continue }
                token = UInt32(j)
            }
            guard let prf else { return Draw(token: token, green: nil, prfEvaluations: 0) }
            evaluations += 1
            if prf.isGreen(context: context, token: token) {
                return Draw(token: token, green: true, prfEvaluations: evaluations)
            }
            if rng.unit() < redAcceptance {
                return Draw(token: token, green: false, prfEvaluations: evaluations)
            }
        }
    }

    /// The k-th largest value of `values` (1-based), with a small min-heap.
    static func kthLargest(_ values: UnsafeBufferPointer<Float>, _ k: Int) -> Float {
        var heap: [Float] = []
        heap.reserveCapacity(k)
        for x in values {
            if heap.count < k {
                heap.append(x)
                var i = heap.count - 1
                while i > 0 {
                    let parent = (i - 1) / 2
                    if heap[parent] <= heap[i] { break }
                    heap.swapAt(parent, i)
                    i = parent
                }
            } else if x > heap[0] {
                heap[0] = x
                var i = 0
                while true {
                    let l = 2 * i + 1
                    let r = l + 1
                    var m = i
                    if l < k, heap[l] < heap[m] { m = l }
                    if r < k, heap[r] < heap[m] { m = r }
                    if m == i { break }
                    heap.swapAt(i, m)
                    i = m
                }
            }
        }
        return heap[0]
    }
}
