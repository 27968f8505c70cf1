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

    /// Draws like `draw(logits:context:using:)`, and for gumbel-v1 keeps the joint output
    /// distortion-free: a context that already keyed a draw of this generation (recorded in
    /// `seen`, which the caller keeps per generation) would repeat the same r, so that token is
    /// drawn without the watermark from the same distribution, with `rng`. Other schemes ignore `seen`.
    public func draw(
        logits: UnsafeBufferPointer<Float>, context: some Collection<UInt32>, seen: inout Set<[UInt32]>, using rng: inout SeededRandom
    ) -> Draw {
        guard prf?.gumbel != nil else { return draw(logits: logits, context: context, using: &rng) }
        guard seen.insert(Array(context)).inserted else {
            return WatermarkSampler(prf: nil, delta: 0, parameters: parameters).draw(logits: logits, context: [], using: &rng)
        }
        return draw(logits: logits, context: context, using: &rng)
    }

    /// The gumbel-v1 draw for `context` (exactly h ids).
    func gumbelDraw(logits: UnsafeBufferPointer<Float>, context: some Collection<UInt32>, prf: GumbelPRF) -> Draw {
        let v = logits.count
        var maxLogit = -Float.infinity
        var argmax = 0
        for i in 0..<v where logits[i] > maxLogit {
            maxLogit = logits[i]
            argmax = i
        }
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
        return Draw(token: fullVocabularyArgmax(logits: logits, maxLogit: maxLogit, context: context, prf: prf), green: nil, prfEvaluations: 1)
    }

    /// argmin_v -ln(r_v) / w_v over the whole vocabulary, w_v = e^((l_v - max) / T) > 0 (the
    /// unnormalized p_v: dividing by their sum does not move the argmin).
    ///
    /// Exact, with one keystream pass and weights computed only where needed: the head (l_v within
    /// `tailCut` temperatures of the maximum) is evaluated first; a tail token has w_v < e^-tailCut,
    /// and since -ln r >= 1 - r, its key exceeds (1 - r_v) / e^-tailCut, so it can only win when
    /// 1 - r_v <= best * e^-tailCut (about one token in 10^5 per step); only those are evaluated.
    func fullVocabularyArgmax(logits: UnsafeBufferPointer<Float>, maxLogit: Float, context: some Collection<UInt32>, prf: GumbelPRF) -> UInt32 {
        let v = logits.count
        let bits = prf.uniformBits(context: context, vocabularySize: v)
        let t = parameters.temperature
        let top = Double(maxLogit)
        let headFloor = top - Double(Self.tailCut) * t
        var best = -1
        var bestKey = Double.infinity
        func consider(_ i: Int) {
            let w = exp((Double(logits[i]) - top) / t)
            guard w > 0 else { return }
            let key = -GumbelPRF.logUniform(bits[i]) / w
            if key < bestKey { (best, bestKey) = (i, key) }
        }
        for i in 0..<v where Double(logits[i]) >= headFloor { consider(i) }
        // Tail: w < e^-tailCut; a margin of 1e-9 covers the rounding of exp and of 1 - r.
        let bound = bestKey * exp(-Double(Self.tailCut)) * (1 + 1e-9)
        for i in 0..<v where Double(logits[i]) < headFloor {
            let oneMinusR = (Double(GumbelPRF.maxBits - bits[i]) + 0.5) * GumbelPRF.ulp53
            if oneMinusR <= bound { consider(i) }
        }
        return UInt32(best)
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
