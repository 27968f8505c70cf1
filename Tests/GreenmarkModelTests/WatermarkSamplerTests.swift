import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

@testable import GreenmarkModel

@Suite("Watermark sampler (synthetic logits)")
struct WatermarkSamplerTests {
    let prf: GreenListPRF

    init() throws {
        prf = try GreenListPRF(key: SecureRandom.bytes(count: 32), scheme: .leftHash)
    }

    func randomLogits(_ n: Int, spread: Float, rng: inout SeededRandom) -> [Float] {
        (0..<n).map { _ in Float(rng.unit()) * spread - spread / 2 }
    }

    @Test("greedy with pruning picks exactly the full-vocabulary argmax of the biased logits")
    func greedyExact() {
        var rng = SeededRandom(seed: 7)
        let sampler = WatermarkSampler(prf: prf, delta: 2, parameters: SamplingParameters(temperature: 0, topK: 0, topP: 1, seed: nil))
        for trial in 0..<60 {
            let logits = randomLogits(5000, spread: 12, rng: &rng)
            let context: [UInt32] = [UInt32(trial)]
            let flags = prf.greenFlags(context: context, candidates: (0..<5000).map { UInt32($0) })
            let biased = logits.indices.map { Double(logits[$0]) + (flags[$0] ? 2 : 0) }
            let expected = biased.indices.max { biased[$0] < biased[$1] }!
            let draw = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: context, using: &rng) }
            #expect(draw.token == UInt32(expected))
            #expect(draw.green == flags[expected])
            #expect(draw.prfEvaluations < 5000)
        }
    }

    @Test("top-k with pruning samples only from the exact biased top-k set")
    func topKExact() {
        var rng = SeededRandom(seed: 11)
        let k = 20
        let sampler = WatermarkSampler(prf: prf, delta: 2, parameters: SamplingParameters(temperature: 1, topK: k, topP: 1, seed: nil))
        for trial in 0..<40 {
            let logits = randomLogits(3000, spread: 10, rng: &rng)
            let context: [UInt32] = [UInt32(trial + 1000)]
            let flags = prf.greenFlags(context: context, candidates: (0..<3000).map { UInt32($0) })
            let biased = logits.indices.map { Double(logits[$0]) + (flags[$0] ? 2 : 0) }
            let topSet = Set(biased.indices.sorted { biased[$0] > biased[$1] }.prefix(k).map { UInt32($0) })
            for _ in 0..<5 {
                let draw = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: context, using: &rng) }
                #expect(topSet.contains(draw.token))
            }
        }
    }

    @Test("rejection sampling draws exactly from the biased softmax (empirical vs exact, 5 sigma)")
    func rejectionExact() throws {
        var rng = SeededRandom(seed: 21)
        let logits: [Float] = (0..<24).map { Float($0 % 7) * 0.6 - 1 }
        // A context with both colours among the 24 candidates (the key is fresh each run: under one
        // context all 24 are red with probability 0.75^24 = 1e-3).
        let candidates = (0..<24).map { UInt32($0) }
        let context: [UInt32] = try #require(
            (77..<177).map { [UInt32($0)] }.first { Set(prf.greenFlags(context: $0, candidates: candidates)).count == 2 })
        let temperature = 0.9
        let sampler = WatermarkSampler(prf: prf, delta: 2, parameters: SamplingParameters(temperature: temperature, topK: 0, topP: 1, seed: nil))
        let flags = prf.greenFlags(context: context, candidates: candidates)
        #expect(flags.contains(true) && flags.contains(false))
        let weights = logits.indices.map { exp((Double(logits[$0]) + (flags[$0] ? 2 : 0)) / temperature) }
        let total = weights.reduce(0, +)
        let n = 200_000
        var counts = [Int](repeating: 0, count: 24)
        var evaluations = 0
        for _ in 0..<n {
            let draw = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: context, using: &rng) }
            counts[Int(draw.token)] += 1
            evaluations += draw.prfEvaluations
            #expect(draw.green == flags[Int(draw.token)])
        }
        for i in 0..<24 {
            let p = weights[i] / total
            let sd = (p * (1 - p) / Double(n)).squareRoot()
            #expect(abs(Double(counts[i]) / Double(n) - p) < 5 * sd + 1e-4, "token \(i)")
        }
        // Expected PRF calls per draw: 1 / P(accept) <= e^(delta/T).
        #expect(Double(evaluations) / Double(n) < exp(2 / temperature))
    }

    @Test("tail tokens (beyond the cut) are drawn with exactly their biased probability")
    func rejectionTail() {
        var rng = SeededRandom(seed: 99)
        // One head token at 0; 4,999 tail tokens 12.5 and 14 below it (beyond the 12-temperature cut).
        let v = 5000
        let logits: [Float] = (0..<v).map { $0 == 0 ? 0 : ($0 % 2 == 0 ? -12.5 : -14) }
        let context: [UInt32] = [5]
        let sampler = WatermarkSampler(prf: prf, delta: 2, parameters: SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: nil))
        let flags = prf.greenFlags(context: context, candidates: (0..<v).map { UInt32($0) })
        let weights = (0..<v).map { exp(Double(logits[$0]) + (flags[$0] ? 2 : 0)) }
        let total = weights.reduce(0, +)
        let pEven = (1..<v).filter { $0 % 2 == 0 }.map { weights[$0] }.reduce(0, +) / total
        let pOdd = (1..<v).filter { $0 % 2 == 1 }.map { weights[$0] }.reduce(0, +) / total
        let n = 20_000
        var even = 0
        var odd = 0
        for _ in 0..<n {
            let t = Int(logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: context, using: &rng) }.token)
            if t != 0 { if t % 2 == 0 { even += 1 } else { odd += 1 } }
        }
        for (observed, p) in [(even, pEven), (odd, pOdd)] {
            let sd = (p * (1 - p) / Double(n)).squareRoot()
            #expect(abs(Double(observed) / Double(n) - p) < 5 * sd, "observed \(observed) of \(n), expected p = \(p)")
        }
    }

    @Test("the bias shifts sampling toward green tokens by the predicted amount")
    func biasStrength() {
        // Flat logits: each green token gets weight e^2, red 1, so P(green) = g e^2 / (g e^2 + 1 - g).
        var rng = SeededRandom(seed: 3)
        let logits = [Float](repeating: 0, count: 4000)
        let sampler = WatermarkSampler(prf: prf, delta: 2, parameters: SamplingParameters(temperature: 1, topK: 0, topP: 1, seed: nil))
        var green = 0
        let n = 4000
        for i in 0..<n {
            let draw = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: [UInt32(i)], using: &rng) }
            if draw.green == true { green += 1 }
        }
        let e2 = 7.38905609893065
        let expected = 0.25 * e2 / (0.25 * e2 + 0.75)  // 0.711
        let sd = (expected * (1 - expected) / Double(n)).squareRoot()
        #expect(abs(Double(green) / Double(n) - expected) < 5 * sd + 0.01)
    }

    @Test("without a watermark the sampler never calls the PRF")
    func unwatermarked() {
        var rng = SeededRandom(seed: 5)
        let logits = randomLogits(1000, spread: 8, rng: &rng)
        let sampler = WatermarkSampler(prf: nil, delta: 2, parameters: .default)
        let draw = logits.withUnsafeBufferPointer { sampler.draw(logits: $0, context: [1], using: &rng) }
        #expect(draw.prfEvaluations == 0)
        #expect(draw.green == nil)
    }

    @Test("k-th largest and the seeded generator")
    func helpers() {
        let values: [Float] = [5, 1, 9, 3, 7, 2]
        let third = values.withUnsafeBufferPointer { WatermarkSampler.kthLargest($0, 3) }
        #expect(third == 5)
        var a = SeededRandom(seed: 42)
        var b = SeededRandom(seed: 42)
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
        var c = SeededRandom(seed: 43)
        #expect(a.next() != c.next())
        for _ in 0..<1000 {
            let u = a.unit()
            #expect(u >= 0 && u < 1)
        }
    }

    @Test("UTF-8 boundary and stop-string helpers")
    func textHelpers() {
        #expect(Generator.completeUTF8Prefix(Array("abc".utf8)) == 3)
        let snowman = Array("a☃".utf8)  // 61 e2 98 83
        #expect(Generator.completeUTF8Prefix(Array(snowman.prefix(3))) == 1)
        #expect(Generator.completeUTF8Prefix(snowman) == 4)
        var world = StopStringMatcher(stops: ["world"])
        for scalar in "hello wor".unicodeScalars { _ = world.consume(scalar) }
        #expect(world.heldBack == 3)
        var xyz = StopStringMatcher(stops: ["xyz"])
        for scalar in "hello".unicodeScalars { _ = xyz.consume(scalar) }
        #expect(xyz.heldBack == 0)
        var output = OutputText(stops: ["END", "two"])
        _ = output.append(Array("one. END two".utf8))
        #expect(output.stopped && output.text == "one. ")
    }
}
