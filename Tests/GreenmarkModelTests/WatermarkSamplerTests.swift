import GreenmarkCore
import GreenmarkCrypto
@testable import GreenmarkModel
import Testing

@Suite("Watermark sampler (synthetic logits)")
struct WatermarkSamplerTests {
    let prf: GreenListPRF

    init() throws {
        prf = try GreenListPRF(key: SecureRandom.bytes(count: 32), scheme: .default)
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
        let expected = 0.25 * e2 / (0.25 * e2 + 0.75)   // 0.711
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
        #expect(Generator.heldBack("hello wor", stops: ["world"]) == 3)
        #expect(Generator.heldBack("hello", stops: ["xyz"]) == 0)
        let text = "one. END two"
        #expect(Generator.firstStop(in: text, stops: ["END", "two"]).map { String(text[..<$0]) } == "one. ")
    }
}
