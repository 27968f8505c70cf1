import GreenmarkCore

#if canImport(Glibc)
    import Glibc
#endif

/// gumbel-v1's full-vocabulary argmax, the sampler's cost per token on a large vocabulary
/// (`docs/results/gumbel-v1.md`, "Cost"): one keystream pass in cache-sized chunks, fused with a
/// bound that sends only a few thousand of the tokens through the exact test.
extension WatermarkSampler {
    /// Tokens whose logit is at least this many temperatures below the maximum (the tail) are
    /// tested on their keystream word alone first.
    static let gumbelTailNats = 10.0

    /// argmin_v -ln(r_v) / w_v over the whole vocabulary, w_v = e^((l_v - max) / T) > 0 (the
    /// unnormalized p_v: dividing by their sum does not move the argmin).
    ///
    /// Exact, with one keystream pass and a logarithm for only a handful of tokens: starting from
    /// the top token's key (`argmax`, the index of `maxLogit`), a token can only win when
    /// -ln r_v < best · w_v; since -ln r >= 1 - r >= 2^e, with e the binary exponent of 1 - r
    /// (integer arithmetic on u), a token with e ln 2 > ln best + (l_v - max) / T cannot, and is
    /// skipped (the exact test). About 2 Z best tokens pass it on average (Z = Σ w), a few per step.
    ///
    /// The exact test runs only on the tokens that may pass it: a tail token (logit below
    /// `gumbelTailNats` temperatures under the maximum, slack s < S) can pass only when
    /// e ln 2 <= ln best + S, that is when 1 - r is small enough that u >= 2^53 - 2^k, one integer
    /// comparison on the keystream word (k from ln best, recomputed when best improves). That
    /// lets through about one tail token in 2^13 and keeps every token that the exact test would
    /// keep, so the visited tokens, their order and their arithmetic — hence the result, bit for
    /// bit — are those of the exact test run on every token. `chunkTokens` only sizes the
    /// keystream's reused buffer.
    func fullVocabularyArgmax(
        logits: UnsafeBufferPointer<Float>, maxLogit: Float, argmax: Int, context: some Collection<UInt32>, prf: GumbelPRF,
        chunkTokens: Int = GumbelPRF.defaultChunkTokens
    ) -> UInt32 {
        let v = logits.count
        guard v > 0, let l = logits.baseAddress else { return 0 }
        let inverseT = 1 / parameters.temperature
        let top = Double(maxLogit)
        // The top token (w = 1) first, for a tight bound from the start.
        var best = argmax
        var bestKey = -GumbelPRF.logUniform(prf.uniformBits(context: context, tokens: [UInt32(argmax)])[0])
        var logBest = log(bestKey)
        let ln2 = 0.693_147_180_559_945_3
        // Tail: l < tailFloor, so s <= tailSlack (s is monotone in l).
        let tailFloor = Float(top - Self.gumbelTailNats * parameters.temperature)
        let tailSlack = (Double(tailFloor) - top) * inverseT
        // A tail token can pass only with e <= E = floor((ln best + tailSlack + 1e-9) / ln 2); one
        // more for safety. e > E + 1 <=> d >= 2^(E + 55) <=> u < 2^53 - 2^(E + 55): the word is below
        // that bound shifted left by 11.
        func tailWordFloor() -> UInt64 {
            let q = ((logBest + tailSlack + 1e-9) / ln2).rounded(.down)
            guard q.isFinite else { return 0 }
            let k = q + 55
            let bound: UInt64 = k <= 0 ? GumbelPRF.maxBits : k >= 53 ? 0 : (1 << 53) - (1 << UInt64(k))
            return bound << 11
        }
        var wordFloor = tailWordFloor()
        prf.forEachUniformChunk(context: context, vocabularySize: v, chunkTokens: chunkTokens) { base, words in
            guard let w0 = words.baseAddress else { return }
            for j in 0..<words.count {
                let word = UInt64(bigEndian: w0[j])
                let i = base + j
                if word < wordFloor, l[i] < tailFloor { continue }
                // The exact test.
                let u = word >> 11
                let slack = (Double(l[i]) - top) * inverseT
                // 1 - r = (d + 0.5) / 2^53 with d = 2^53 - 1 - u, so 1 - r >= 2^(floor(log2 d) - 53) (2^-54 for d = 0).
                let d = GumbelPRF.maxBits - u
                let e = d == 0 ? -54 : 63 - d.leadingZeroBitCount - 53
                // A margin of 1e-9 covers the rounding of the logarithms.
                if Double(e) * ln2 > logBest + slack + 1e-9 { continue }
                let w = exp(slack)
                guard w > 0 else { continue }
                let key = -GumbelPRF.logUniform(u) / w
                if key < bestKey {
                    (best, bestKey) = (i, key)
                    logBest = log(key)
                    wordFloor = tailWordFloor()
                }
            }
        }
        return UInt32(best)
    }

    /// The largest logit and the first index holding it, as a scalar scan for the first strictly
    /// greater value gives them (NaNs never win; all -inf or NaN: (-inf, 0)), sixteen lanes at a time.
    static func maximum(_ logits: UnsafeBufferPointer<Float>) -> (Float, Int) {
        guard let p = logits.baseAddress else { return (-.infinity, 0) }
        let n = logits.count
        let whole = n / 16 * 16
        var lanes = SIMD16<Float>(repeating: -.infinity)
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i < whole {
            let x = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
            lanes.replace(with: x, where: x .> lanes)
            i += 16
        }
        var m = lanes.max()
        for j in whole..<n where p[j] > m { m = p[j] }
        guard m > -.infinity else { return (-.infinity, 0) }
        var first = 0
        while !(p[first] == m) { first += 1 }
        // The value at that index (+0 and -0 compare equal: the scan keeps the first one's sign).
        return (p[first], first)
    }
}
