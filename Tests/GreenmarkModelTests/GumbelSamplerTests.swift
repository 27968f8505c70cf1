import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

@testable import GreenmarkModel

#if canImport(Glibc)
    import Glibc
#endif

@Suite("gumbel-v1 sampler (synthetic logits)")
struct GumbelSamplerTests {
    func prf(h: Int = 4) throws -> GreenListPRF {
        try GreenListPRF(key: SecureRandom.bytes(count: 32), scheme: WatermarkScheme(prf: .gumbelV1, gamma: 0, contextWidth: h))
    }

    /// The brute-force choice: argmax ln(r_v) / p_v over `support` (all tokens with p_v > 0).
    func bruteForce(_ logits: [Float], support: [Int], temperature: Double, context: [UInt32], prf: GumbelPRF) -> UInt32 {
        let bits = prf.uniformBits(context: context, vocabularySize: logits.count)
        let top = Double(logits.max()!)
        var best = -1
        var bestValue = -Double.infinity
        for i in support {
            let w = exp((Double(logits[i]) - top) / temperature)
            guard w > 0 else { continue }
            let value = GumbelPRF.logUniform(bits[i]) / w
            if value > bestValue { (best, bestValue) = (i, value) }
        }
        return UInt32(best)
    }

    @Test("full vocabulary: the pruned argmax equals the brute-force argmax over every token (tails included)")
    func fullVocabularyExact() throws {
        let prf = try prf()
        var rng = SeededRandom(seed: 3)
        let sampler = WatermarkSampler(prf: prf, delta: 2, parameters: SamplingParameters(temperature: 0.7, topK: 0, topP: 1, seed: nil))
        #expect(sampler.delta == 0)
        for trial in 0..<200 {
            // A peaked distribution over 3,000 tokens: most of them lie in the tail.
            let logits = (0..<3000).map { i in Float(rng.unit() * 30 - 25) + (i == trial ? 8 : 0) }
            let context: [UInt32] = [1, 2, 3, UInt32(trial)]
            let draw = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: context, using: &rng) }
            #expect(draw.token == bruteForce(logits, support: Array(logits.indices), temperature: 0.7, context: context, prf: prf.gumbel!))
            #expect(draw.green == nil && draw.prfEvaluations == 1)
        }
    }

    @Test("top-k: one seeked AES block per candidate and the full pass give the same choice as brute force")
    func topKExact() throws {
        let prf = try prf()
        var rng = SeededRandom(seed: 5)
        for k in [5, 40, 600] {
            let sampler = WatermarkSampler(prf: prf, delta: 0, parameters: SamplingParameters(temperature: 1, topK: k, topP: 1, seed: nil))
            for trial in 0..<60 {
                let logits = (0..<2000).map { _ in Float(rng.unit() * 10) }
                let support = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }.prefix(k)
                let context: [UInt32] = [9, 9, UInt32(k), UInt32(trial)]
                let draw = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: context, using: &rng) }
                #expect(draw.token == bruteForce(logits, support: Array(support), temperature: 1, context: context, prf: prf.gumbel!))
            }
        }
    }

    /// Pearson chi-square of `counts` against probabilities `p` (cells with expected count >= 5),
    /// with its p-value from the Gamma tail: chi2_k upper tail = Q(k / 2, x / 2).
    func chiSquare(_ counts: [Int], _ p: [Double]) -> Double {
        let n = Double(counts.reduce(0, +))
        var x = 0.0
        var cells = 0
        var restObserved = 0.0
        var restExpected = 0.0
        for i in counts.indices {
            if n * p[i] >= 5 {
                x += pow(Double(counts[i]) - n * p[i], 2) / (n * p[i])
                cells += 1
            } else {
                restObserved += Double(counts[i])
                restExpected += n * p[i]
            }
        }
        if restExpected > 0 {
            x += pow(restObserved - restExpected, 2) / restExpected
            cells += 1
        }
        return GammaTail.upper(shape: Double(cells - 1) / 2, x: x / 2).probability
    }

    @Test(
        "distortion-free: over 20,000 keys the choice follows p (chi-square p > 1e-6), for full, top-k and top-p sampling",
        arguments: [(0, 1.0), (4, 1.0), (0, 0.9)])
    func distortionFree(topK: Int, topP: Double) throws {
        let logits: [Float] = [2.0, 1.5, 1.0, 0.2, -0.5, -1, -3, -6, -12, -20]
        let t = 1.0
        let sampler0 = SamplingParameters(temperature: t, topK: topK, topP: topP, seed: nil)
        // The target: softmax, then top-k, then top-p (renormalized).
        var p = logits.map { exp(Double($0) / t) }
        if topK > 0 { for i in topK..<p.count { p[i] = 0 } }
        var total = p.reduce(0, +)
        if topP < 1 {
            var cumulative = 0.0
            var cut = false
            for i in p.indices {
                if cut { p[i] = 0 }
                cumulative += p[i] / total
                if cumulative >= topP { cut = true }
            }
            total = p.reduce(0, +)
        }
        p = p.map { $0 / total }
        var counts = [Int](repeating: 0, count: logits.count)
        for _ in 0..<20_000 {
            let sampler = WatermarkSampler(prf: try prf(h: 1), delta: 0, parameters: sampler0)
            var rng = SeededRandom(seed: 1)
            let draw = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: [42], using: &rng) }
            counts[Int(draw.token)] += 1
        }
        for i in p.indices where p[i] == 0 { #expect(counts[i] == 0) }
        #expect(chiSquare(counts, p) > 1e-6, "\(counts)")
    }

    @Test("a generation starts with an unwatermarked prefix of 10 nats; then a repeated context is drawn without the watermark")
    func generationState() throws {
        let prf = try prf()
        let sampler = WatermarkSampler(prf: prf, delta: 0, parameters: .default)
        // Uniform over 64 tokens: each draw carries ln 64 = 4.16 nats, so the prefix is 3 tokens.
        let logits = [Float](repeating: 0, count: 64)
        var state = WatermarkSampler.GumbelState()
        var rng = SeededRandom(seed: 9)
        for n in 1...3 {
            let d = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: [1, 2, 3, UInt32(n)], state: &state, using: &rng) }
            #expect(d.prfEvaluations == 0)
            #expect(abs(state.prefixSurprisal - Double(n) * log(64.0)) < 1e-9)
        }
        #expect(state.seen.isEmpty)
        let first = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: [1, 2, 3, 4], state: &state, using: &rng) }
        let keyed = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: [1, 2, 3, 4], using: &rng) }
        #expect(first.token == keyed.token && first.prfEvaluations == 1)
        var tokens = Set<UInt32>()
        for _ in 0..<40 {
            let again = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: [1, 2, 3, 4], state: &state, using: &rng) }
            #expect(again.prfEvaluations == 0)
            tokens.insert(again.token)
        }
        // 40 uniform draws over 64 tokens: fewer than 11 distinct values is vanishingly unlikely.
        #expect(tokens.count > 10)
        #expect(state.seen == [[1, 2, 3, 4]])
    }

    @Test("the surprisal of a draw is -ln p under temperature, top-k and top-p")
    func surprisal() throws {
        let logits: [Float] = [2, 1, 0, -1]
        let full = WatermarkSampler(prf: try prf(), delta: 0, parameters: SamplingParameters(temperature: 0.5, topK: 0, topP: 1, seed: nil))
        let z = logits.map { exp(Double($0) / 0.5) }.reduce(0, +)
        #expect(abs(logits.withUnsafeBufferPointer { full.surprisal(of: 1, logits: $0) } - -log(exp(2.0) / z)) < 1e-12)
        let topK = WatermarkSampler(prf: try prf(), delta: 0, parameters: SamplingParameters(temperature: 1, topK: 2, topP: 1, seed: nil))
        #expect(abs(logits.withUnsafeBufferPointer { topK.surprisal(of: 0, logits: $0) } - -log(exp(2.0) / (exp(2.0) + exp(1.0)))) < 1e-12)
    }
}
