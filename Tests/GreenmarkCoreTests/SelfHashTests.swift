import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

/// One entry of `docs/test-vectors/prf-selfhash-v1.json`.
struct SelfHashVector: Decodable {
    let key_hex: String
    let gamma: Double
    let h: Int
    let context: [UInt32]
    let token: UInt32
    let ranks_hex: [String]
    let anchor: UInt32
    let mac_prefix_hex: String
    let threshold: UInt32
    let green: Bool
}

@Suite("SelfHash v1 PRF (docs/prf.md)")
struct SelfHashTests {
    let vectors: [SelfHashVector]

    init() throws {
        let url = repositoryRoot.appendingPathComponent("docs/test-vectors/prf-selfhash-v1.json")
        vectors = try JSONDecoder().decode([SelfHashVector].self, from: Data(contentsOf: url))
    }

    @Test("the vector file covers both outcomes at every gamma, several h, and anchors other than the token")
    func coverage() {
        #expect(vectors.count >= 12)
        for gamma in [0.1, 0.25, 0.5] {
            #expect(vectors.contains { $0.gamma == gamma && $0.green })
            #expect(vectors.contains { $0.gamma == gamma && !$0.green })
        }
        #expect(Set(vectors.map(\.h)).isSuperset(of: [1, 2, 4, 8]))
        #expect(vectors.contains { $0.anchor != $0.token })
        #expect(vectors.contains { $0.anchor == $0.token && Set($0.context).count > 1 })
    }

    @Test("anchor, MAC prefix and green bit match the Python reference for every vector")
    func matchesReference() throws {
        for v in vectors {
            let scheme = try WatermarkScheme(prf: .selfHashV1, gamma: v.gamma, contextWidth: v.h)
            #expect(scheme.greenThreshold == v.threshold)
            let prf = try GreenListPRF(key: try Hex.decode(v.key_hex), scheme: scheme)
            #expect(prf.anchor(context: v.context, token: v.token) == v.anchor, "\(v.context) \(v.token)")
            #expect(String(format: "%08x", prf.macPrefix(context: v.context, token: v.token)) == v.mac_prefix_hex)
            #expect(prf.isGreen(context: v.context, token: v.token) == v.green)
            #expect(prf.greenFlags(context: v.context, candidates: [v.token, v.token]) == [v.green, v.green])
        }
    }

    @Test("the green bit depends on the context only through the anchor: reordering the context changes nothing")
    func orderInvariant() throws {
        let prf = try GreenListPRF(key: try SecureRandom.bytes(count: 32), scheme: .selfHash)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let context = (0..<4).map { _ in UInt32.random(in: 0..<49152, using: &rng) }
            let token = UInt32.random(in: 0..<49152, using: &rng)
            #expect(prf.isGreen(context: context, token: token) == prf.isGreen(context: context.shuffled(using: &rng), token: token))
        }
    }

    @Test("about gamma of all (context, token) pairs are green")
    func greenFraction() throws {
        let prf = try GreenListPRF(key: try SecureRandom.bytes(count: 32), scheme: .selfHash)
        var green = 0
        let n = 20_000
        for i in 0..<n {
            let c = UInt32(i)
            if prf.isGreen(context: [c &* 7, c &* 13, c &* 31, c &+ 5], token: c &* 101 % 49152) { green += 1 }
        }
        // Binomial(20000, 0.25): sd 61; 6 sd either side.
        #expect(abs(green - n / 4) < 370)
    }

    @Test("a SelfHash key detects its own text and only its own")
    func detection() throws {
        let key = try WatermarkKey.generate(scheme: .selfHash, state: .primary)
        let text = fullyGreenText(prf: try key.prf(), length: 300)
        let detector = Detector(tokenizer: ByteTokenizer())
        let r = try detector.detect(text, key: key)
        #expect(r.verdict == .watermarked)
        #expect(r.scheme.prf == .selfHashV1)
        let other = try detector.detect(text, key: try WatermarkKey.generate(scheme: .selfHash, state: .primary))
        #expect(other.verdict == .noWatermark)
        // The first h tokens have no context.
        #expect(r.tokensTotal - r.tokensScored >= 4)
    }

    @Test("a repeated (anchor, token) pair is scored once, so the p-value's independence holds")
    func repeatsByAnchor() throws {
        let key = try WatermarkKey.generate(scheme: .selfHash, state: .primary)
        let prf = try key.prf()
        let text = String(repeating: "abcde", count: 40)
        let tokens = text.utf8.map { UInt32($0) }
        let scores = TokenScores(tokens: tokens, prf: prf, ignoreRepeats: true)
        var pairs = Set<UInt64>()
        for i in 4..<tokens.count {
            let anchor = prf.anchor(context: tokens[(i - 4)..<i], token: tokens[i])
            pairs.insert(UInt64(anchor) << 32 | UInt64(tokens[i]))
        }
        #expect(scores.scored == pairs.count)
        #expect(scores.scored <= 25)
    }
}
