import GreenmarkCore

#if canImport(Glibc)
    import Glibc
#endif

/// gumbel-v1 sampling (`docs/prf.md`, "gumbel-v1"; `docs/generation.md`): the token is
/// argmax_v r_v^(1/p_v) = argmax_v ln(r_v) / p_v over the tokens the configured temperature, top-k
/// and top-p leave with p_v > 0. Over a random key the draw follows p exactly; the seeded random
/// generator is not used (the key and the context decide).
extension WatermarkSampler {
    /// Above this many candidates, r is read for the whole vocabulary in one keystream pass instead
    /// of one seeked AES block per candidate (the bits are the same either way).
    static let gumbelSeekLimit = 512

    /// Surprisal, in nats, of the unwatermarked prefix each gumbel-v1 generation starts with
    /// (`docs/prf.md`, "Diversity"): 10 nats, so two generations of one prompt share their prefix
    /// with probability at most e^-10 = 4.5e-5.
    public static let gumbelPrefixSurprisal = 10.0

    /// Per-generation state of gumbel-v1 sampling: the contexts that already keyed a draw, and
    /// the surprisal of the unwatermarked prefix so far.
    public struct GumbelState: Sendable {
        /// Contexts that keyed a watermarked draw in this generation.
        public var seen = Set<[UInt32]>()
        /// Σ -ln p(x) over the prefix drawn without the watermark, in nats.
        public var prefixSurprisal = 0.0

        public init() {}
    }

    /// Draws like `draw(logits:context:using:)` for one generation whose state is `state`. For
    /// gumbel-v1 it keeps the output distortion-free and diverse (`docs/prf.md`, "Diversity"):
    /// - until the tokens drawn so far carry `gumbelPrefixSurprisal` nats, the token is drawn
    ///   without the watermark with `rng` (the seed), so generations of one prompt diverge;
    /// - a context that already keyed a draw would repeat the same r, so that token is drawn
    ///   without the watermark too.
    ///
    /// Either way the token follows p, as a keyed draw does. Other schemes ignore `state`.
    public func draw(
        logits: UnsafeBufferPointer<Float>, context: some Collection<UInt32>, state: inout GumbelState, using rng: inout SeededRandom
    ) -> Draw {
        guard prf?.gumbel != nil, parameters.temperature > 0 else { return draw(logits: logits, context: context, using: &rng) }
        if state.prefixSurprisal < Self.gumbelPrefixSurprisal {
            let plain = WatermarkSampler(prf: nil, delta: 0, parameters: parameters).draw(logits: logits, context: [], using: &rng)
            state.prefixSurprisal += surprisal(of: plain.token, logits: logits)
            return plain
        }
        guard state.seen.insert(Array(context)).inserted else {
            return WatermarkSampler(prf: nil, delta: 0, parameters: parameters).draw(logits: logits, context: [], using: &rng)
        }
        return draw(logits: logits, context: context, using: &rng)
    }

    /// -ln p(token) under the sampling distribution (temperature, then top-k and top-p).
    func surprisal(of token: UInt32, logits: UnsafeBufferPointer<Float>) -> Double {
        var maxLogit = -Float.infinity
        for l in logits where l > maxLogit { maxLogit = l }
        let t = parameters.temperature
        let top = Double(maxLogit)
        if parameters.topK > 0 || parameters.topP < 1 {
            let (ids, weights) = truncatedSupport(logits: logits, maxLogit: maxLogit)
            guard let i = ids.firstIndex(of: token) else { return 0 }
            return -log(weights[i] / weights.reduce(0, +))
        }
        var total = 0.0
        for l in logits { total += exp((Double(l) - top) / t) }
        return log(total) - (Double(logits[Int(token)]) - top) / t
    }

    /// The gumbel-v1 draw for `context` (exactly h ids).
    func gumbelDraw(logits: UnsafeBufferPointer<Float>, context: some Collection<UInt32>, prf: GumbelPRF) -> Draw {
        let v = logits.count
        let (maxLogit, argmax) = Self.maximum(logits)
        let t = parameters.temperature
        // Greedy: p is a point mass, so the draw is the top token and carries no watermark.
        guard t > 0 else { return Draw(token: UInt32(argmax), green: nil, prfEvaluations: 0) }
        if parameters.topK > 0 || parameters.topP < 1 {
            let (ids, weights) = truncatedSupport(logits: logits, maxLogit: maxLogit)
            let bits =
                ids.count <= Self.gumbelSeekLimit
                ? prf.uniformBits(context: context, tokens: ids)
                : { all in ids.map { all[Int($0)] } }(prf.uniformBits(context: context, vocabularySize: v))
            var best = 0
            var bestKey = Double.infinity
            for i in ids.indices where weights[i] > 0 {
                let key = -GumbelPRF.logUniform(bits[i]) / weights[i]
                if key < bestKey { (best, bestKey) = (i, key) }
            }
            return Draw(token: ids[best], green: nil, prfEvaluations: 1)
        }
        let token = fullVocabularyArgmax(logits: logits, maxLogit: maxLogit, argmax: argmax, context: context, prf: prf)
        return Draw(token: token, green: nil, prfEvaluations: 1)
    }

    /// The tokens left by top-k and top-p, with their unnormalized weights e^((l - max) / T), in
    /// decreasing order: the same support as the plain sampler's (tokens below max - T (ln V +
    /// ln(1/epsilon)) together carry less than `epsilon`).
    func truncatedSupport(logits: UnsafeBufferPointer<Float>, maxLogit: Float) -> ([UInt32], [Double]) {
        let v = logits.count
        let t = parameters.temperature
        var cutoff = maxLogit - Float(t * (log(Double(v)) + log(1 / Self.epsilon)))
        if parameters.topK > 0, parameters.topK < v { cutoff = max(cutoff, Self.kthLargest(logits, parameters.topK)) }
        var ids: [UInt32] = []
        for i in 0..<v where logits[i] >= cutoff { ids.append(UInt32(i)) }
        ids.sort { logits[Int($0)] > logits[Int($1)] || (logits[Int($0)] == logits[Int($1)] && $0 < $1) }
        if parameters.topK > 0, ids.count > parameters.topK { ids.removeLast(ids.count - parameters.topK) }
        let top = Double(maxLogit)
        var weights = ids.map { exp((Double(logits[Int($0)]) - top) / t) }
        if parameters.topP < 1 {
            let total = weights.reduce(0, +)
            var cumulative = 0.0
            for (n, w) in weights.enumerated() {
                cumulative += w / total
                if cumulative >= parameters.topP {
                    ids.removeLast(ids.count - n - 1)
                    weights.removeLast(weights.count - n - 1)
                    break
                }
            }
        }
        return (ids, weights)
    }
}
