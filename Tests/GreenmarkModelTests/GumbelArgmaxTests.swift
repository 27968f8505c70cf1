import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

@testable import GreenmarkModel

#if canImport(Glibc)
    import Glibc
#endif

@Suite("gumbel-v1 full-vocabulary argmax: chunked keystream and tail bound, output unchanged")
struct GumbelArgmaxTests {
    func gumbel(h: Int = 4) throws -> GreenListPRF {
        try GreenListPRF(key: SecureRandom.bytes(count: 32), scheme: WatermarkScheme(prf: .gumbelV1, gamma: 0, contextWidth: h))
    }

    /// The sampler's argmax as it was before the chunked pass (commit 8cadc29): the whole
    /// vocabulary's uniforms in one array, the exact exponent test on every token.
    func previousArgmax(_ logits: [Float], temperature: Double, context: [UInt32], prf: GumbelPRF) -> UInt32 {
        var maxLogit = -Float.infinity
        var argmax = 0
        for i in logits.indices where logits[i] > maxLogit { (maxLogit, argmax) = (logits[i], i) }
        let bits = prf.uniformBits(context: context, vocabularySize: logits.count)
        let inverseT = 1 / temperature
        let top = Double(maxLogit)
        var best = argmax
        var bestKey = -GumbelPRF.logUniform(bits[argmax])
        var logBest = log(bestKey)
        let ln2 = 0.693_147_180_559_945_3
        for i in logits.indices {
            let slack = (Double(logits[i]) - top) * inverseT
            let d = GumbelPRF.maxBits - bits[i]
            let e = d == 0 ? -54 : 63 - d.leadingZeroBitCount - 53
            if Double(e) * ln2 > logBest + slack + 1e-9 { continue }
            let w = exp(slack)
            guard w > 0 else { continue }
            let key = -GumbelPRF.logUniform(bits[i]) / w
            if key < bestKey { (best, bestKey, logBest) = (i, key, log(key)) }
        }
        return UInt32(best)
    }

    /// argmin -ln(r_v) / w_v over every token, no bound at all (ties: the top token, then the lowest id).
    func bruteForce(_ logits: [Float], temperature: Double, context: [UInt32], prf: GumbelPRF) -> UInt32 {
        let bits = prf.uniformBits(context: context, vocabularySize: logits.count)
        let (top, argmax) = logits.withUnsafeBufferPointer { WatermarkSampler.maximum($0) }
        var best = argmax
        var bestKey = -GumbelPRF.logUniform(bits[argmax])
        for i in logits.indices {
            let w = exp((Double(logits[i]) - Double(top)) / temperature)
            guard w > 0 else { continue }
            let key = -GumbelPRF.logUniform(bits[i]) / w
            if key < bestKey { (best, bestKey) = (i, key) }
        }
        return UInt32(best)
    }

    /// Logits shaped like a language model's over `v` tokens: a bulk 20-40 nats below a few
    /// leading tokens (Gemma 3 270M: 97-100 % of its 262,144 logits lie within 37 nats of the top).
    func modelLikeLogits(_ v: Int, rng: inout SeededRandom, flat: Bool) -> [Float] {
        var logits = (0..<v).map { _ in Float(-5 + 4 * (rng.unit() + rng.unit() + rng.unit() - 1.5)) }
        let leaders = flat ? 200 : 3
        for _ in 0..<leaders { logits[Int(rng.next() % UInt64(v))] = Float(18 + rng.unit() * (flat ? 3 : 6)) }
        return logits
    }

    @Test("the chunked keystream gives the same u_v as the whole-vocabulary pass, for odd sizes and any even chunk")
    func chunksMatchWholePass() throws {
        let prf = try gumbel().gumbel!
        for v in [1, 2, 7, 1001, 49_152] {
            let whole = prf.uniformBits(context: [5, 6, 7, UInt32(v)], vocabularySize: v)
            for chunk in [2, 64, 1000, GumbelPRF.defaultChunkTokens] {
                var seen = [UInt64]()
                var bases = [Int]()
                prf.forEachUniformChunk(context: [5, 6, 7, UInt32(v)], vocabularySize: v, chunkTokens: chunk) { base, words in
                    bases.append(base)
                    seen += words.map(GumbelPRF.bits(word:))
                }
                #expect(seen == whole, "v \(v), chunk \(chunk)")
                #expect(bases == Array(stride(from: 0, to: v, by: min(chunk, v + 1))), "v \(v), chunk \(chunk)")
            }
        }
    }

    @Test("on a 262,144-token vocabulary the draw is the previous implementation's and the brute-force argmax, at several temperatures")
    func gemmaSizedVocabulary() throws {
        let prf = try gumbel()
        var rng = SeededRandom(seed: 11)
        for (trial, temperature) in [0.3, 0.7, 1.0, 1.0, 1.5, 2.0].enumerated() {
            let logits = modelLikeLogits(262_144, rng: &rng, flat: trial % 2 == 1)
            let context: [UInt32] = [7, 7, 7, UInt32(trial)]
            let sampler = WatermarkSampler(prf: prf, delta: 0, parameters: SamplingParameters(temperature: temperature, topK: 0, topP: 1, seed: nil))
            let draw = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: context, using: &rng) }
            #expect(draw.token == previousArgmax(logits, temperature: temperature, context: context, prf: prf.gumbel!))
            #expect(draw.token == bruteForce(logits, temperature: temperature, context: context, prf: prf.gumbel!))
        }
    }

    @Test("small chunks, -inf logits, tied maxima and a winner deep in the tail: the previous implementation's choice every time")
    func chunkBoundariesAndEdgeValues() throws {
        let prf = try gumbel()
        var rng = SeededRandom(seed: 13)
        var tailWins = 0
        for trial in 0..<400 {
            var v = 3000 + trial % 7
            var logits = modelLikeLogits(v, rng: &rng, flat: trial % 3 == 0)
            var temperature = [0.5, 1.0, 3.0][trial % 3]
            if trial % 5 == 0 { for i in stride(from: trial % 11, to: v, by: 13) { logits[i] = -.infinity } }
            if trial % 4 == 0 { logits[v - 1] = logits.max()! }  // a tie for the maximum
            if trial % 10 == 9 { logits = (0..<v).map { _ in Float(rng.unit() * 0.5) } }  // nearly flat
            if trial % 10 == 8 {
                // One token 10.6 nats above 30,000 others: the others, all in the tail, carry about
                // as much probability as it does, so a tail token wins about half the time.
                v = 30_000
                logits = (0..<v).map { _ in Float(rng.unit() * 0.5) }
                logits[trial] = 10.6
                temperature = 1
            }
            let context: [UInt32] = [1, 2, UInt32(v), UInt32(trial)]
            let parameters = SamplingParameters(temperature: temperature, topK: 0, topP: 1, seed: nil)
            let sampler = WatermarkSampler(prf: prf, delta: 0, parameters: parameters)
            let (top, argmax) = logits.withUnsafeBufferPointer { WatermarkSampler.maximum($0) }
            let token = logits.withUnsafeBufferPointer {
                sampler.fullVocabularyArgmax(
                    logits: $0, maxLogit: top, argmax: argmax, context: context, prf: prf.gumbel!, chunkTokens: [2, 64, 998][trial % 3])
            }
            #expect(token == previousArgmax(logits, temperature: temperature, context: context, prf: prf.gumbel!), "trial \(trial)")
            if Double(top - logits[Int(token)]) / temperature > WatermarkSampler.gumbelTailNats { tailWins += 1 }
        }
        // The tail path itself was exercised: some winners came from below the tail floor (40 trials
        // at about 1/2 each).
        #expect(tailWins > 0)
    }

    @Test("maximum: the value and first index a scalar scan finds, with NaN, infinities, signed zeros and any length")
    func maximumMatchesScalarScan() {
        var rng = SeededRandom(seed: 17)
        let specials: [Float] = [.nan, -.infinity, .infinity, 0, -0.0, 3, 3]
        for n in [0, 1, 15, 16, 17, 33, 1000] {
            for _ in 0..<50 {
                var logits = (0..<n).map { _ in Float(rng.unit() * 4 - 2) }
                for _ in 0..<min(n, 3) { logits[Int(rng.next() % UInt64(n))] = specials[Int(rng.next() % UInt64(specials.count))] }
                var m = -Float.infinity
                var first = 0
                for i in logits.indices where logits[i] > m { (m, first) = (logits[i], i) }
                let got = logits.withUnsafeBufferPointer { WatermarkSampler.maximum($0) }
                #expect(got.1 == first && got.0.bitPattern == m.bitPattern, "\(logits)")
            }
        }
        let allNaN = [Float](repeating: .nan, count: 20)
        #expect(allNaN.withUnsafeBufferPointer { WatermarkSampler.maximum($0) }.1 == 0)
    }
}
