import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

/// `docs/test-vectors/gumbel-v1.json`, written by `gumbel_v1_reference.py` (Python, `cryptography`, `mpmath`).
struct GumbelVectorFile: Decodable {
    /// One r vector: key, context and token → stream key, u and r.
    struct RVector: Decodable {
        let keyHex: String
        let h: Int
        let context: [UInt32]
        let token: UInt32
        let streamKeyHex: String
        let uHex: String
        let r: String
        let score: String

        enum CodingKeys: String, CodingKey {
            case keyHex = "key_hex"
            case h, context, token
            case streamKeyHex = "stream_key_hex"
            case uHex = "u_hex"
            case r, score
        }
    }

    /// One Gamma-tail case: log10 Q(T, S), and Q itself (0 where it underflows).
    struct GammaCase: Decodable {
        let T: Int
        let S: Double
        let log10P: String
        let p: Double

        enum CodingKeys: String, CodingKey {
            case T, S
            case log10P = "log10_p"
            case p
        }
    }

    let rVectors: [RVector]
    let gammaTail: [GammaCase]

    enum CodingKeys: String, CodingKey {
        case rVectors = "r_vectors"
        case gammaTail = "gamma_tail"
    }

    static let shared: GumbelVectorFile = {
        let url = repositoryRoot.appendingPathComponent("docs/test-vectors/gumbel-v1.json")
        return try! JSONDecoder().decode(GumbelVectorFile.self, from: Data(contentsOf: url))
    }()
}

@Suite("gumbel-v1 PRF against docs/test-vectors")
struct GumbelVectorTests {
    static let vectors = GumbelVectorFile.shared.rVectors

    @Test("the vector file covers the spec's required ground")
    func coverage() {
        let v = Self.vectors
        #expect(v.count >= 20)
        #expect(Set(v.map(\.keyHex)).count >= 3)
        #expect(Set(v.map(\.h)).isSuperset(of: [1, 2, 4, 8]))
        #expect(v.contains { $0.token == 0 } && v.contains { $0.token == 1 })
        #expect(v.contains { $0.token == UInt32.max } && v.contains { $0.token == UInt32.max - 1 })
        #expect(v.contains { $0.context.contains(UInt32.max) })
        #expect(GumbelVectorFile.shared.gammaTail.count >= 20)
    }

    @Test("every vector: stream key, u, r and score", arguments: 0..<vectors.count)
    func vector(index: Int) throws {
        let v = Self.vectors[index]
        let prf = try GumbelPRF(key: Hex.decode(v.keyHex), contextWidth: v.h)
        #expect(Hex.encode(prf.streamKey(context: v.context)) == v.streamKeyHex)
        let u = prf.uniformBits(context: v.context, token: v.token)
        #expect(String(format: "%014llx", u) == v.uHex)
        // The file's r is the exact decimal of (u + 0.5) / 2^53; parsing rounds it as the Swift code must.
        #expect(GumbelPRF.uniform(u) == Double(v.r)!)
        let expected = Double(v.score)!
        #expect(abs(GumbelPRF.score(u) - expected) <= 1e-15 * expected)
    }

    @Test("one pass over the vocabulary gives the bits of the seek, token by token", arguments: 0..<vectors.count)
    func onePassMatchesSeek(index: Int) throws {
        let v = Self.vectors[index]
        guard v.token <= 65_536 else { return }
        let prf = try GumbelPRF(key: Hex.decode(v.keyHex), contextWidth: v.h)
        let all = prf.uniformBits(context: v.context, vocabularySize: Int(v.token) + 1)
        #expect(String(format: "%014llx", all[Int(v.token)]) == v.uHex)
        for token in [0, 1, 2, 3, Int(v.token) / 2, Int(v.token)] where token <= Int(v.token) {
            #expect(all[token] == prf.uniformBits(context: v.context, token: UInt32(token)))
        }
    }

    @Test("a whole 49,152-token vocabulary: every r_v equals the seek for a sample of ids, all in (0, 1)")
    func fullVocabulary() throws {
        let prf = try GumbelPRF(key: [UInt8](repeating: 3, count: 32))
        let context: [UInt32] = [9906, 374, 264, 1296]
        let all = prf.uniformBits(context: context, vocabularySize: 49_152)
        #expect(all.count == 49_152)
        #expect(Set(all).count == all.count)
        for token in stride(from: 0, to: 49_152, by: 997) {
            #expect(all[token] == prf.uniformBits(context: context, token: UInt32(token)))
        }
        #expect(all.allSatisfy { $0 < 1 << 53 })
    }

    @Test("the label is distinct from LeftHash's and SelfHash's, and the context width is validated")
    func domainSeparation() throws {
        #expect(GumbelPRF.label == Array("greenmark/prf/gumbel-v1".utf8) + [0])
        for other in [GreenListPRF.label, GreenListPRF.selfHashLabel, GreenListPRF.selfHashRankLabel] {
            #expect(!GumbelPRF.label.starts(with: other) && !other.starts(with: GumbelPRF.label))
        }
        #expect(throws: GreenmarkError.self) { try GumbelPRF(key: [UInt8](repeating: 0, count: 32), contextWidth: 0) }
        #expect(throws: GreenmarkError.self) { try GumbelPRF(key: [UInt8](repeating: 0, count: 32), contextWidth: 65) }
    }

    @Test("r, ln r and -ln(1 - r) at the ends of the 53-bit range")
    func extremes() {
        let top: UInt64 = (1 << 53) - 1
        #expect(GumbelPRF.uniform(0) == 0x1p-54)
        #expect(GumbelPRF.logUniform(0) == log(0x1p-54))
        #expect(GumbelPRF.score(top) == 54 * log(2.0))
        #expect(GumbelPRF.logUniform(top) < 0 && GumbelPRF.logUniform(top) > -1e-16)
        #expect(GumbelPRF.score(0) > 0 && GumbelPRF.score(0) < 1e-16)
        // Symmetry: -ln(1 - r(u)) = -ln r(2^53 - 1 - u).
        for u: UInt64 in [0, 1, 12_345, 1 << 40, (1 << 52) - 1, 1 << 52, top - 7] {
            #expect(GumbelPRF.score(u) == -GumbelPRF.logUniform(top - u))
        }
    }
}
