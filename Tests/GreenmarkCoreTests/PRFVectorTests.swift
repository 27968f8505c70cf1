import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

/// One entry of `docs/test-vectors/prf-v1.json`.
struct PRFVector: Decodable {
    let keyHex: String
    let gamma: Double
    let h: Int
    let context: [UInt32]
    let token: UInt32
    let macPrefixHex: String
    let threshold: UInt32
    let green: Bool

    enum CodingKeys: String, CodingKey {
        case keyHex = "key_hex"
        case gamma, h, context, token
        case macPrefixHex = "mac_prefix_hex"
        case threshold, green
    }
}

@Suite("PRF v1 against docs/test-vectors")
struct PRFVectorTests {
    static let vectors: [PRFVector] = {
        let url = repositoryRoot.appendingPathComponent("docs/test-vectors/prf-v1.json")
        return try! JSONDecoder().decode([PRFVector].self, from: Data(contentsOf: url))
    }()

    @Test("the vector file covers the spec's required ground")
    func coverage() {
        let v = Self.vectors
        #expect(v.count >= 20)
        #expect(Set(v.map(\.keyHex)).count >= 3)
        #expect(Set(v.map(\.gamma)).isSuperset(of: [0.1, 0.25, 0.5]))
        #expect(Set(v.map(\.h)).isSuperset(of: [1, 4]))
        #expect(v.contains { $0.token < 2 })
        #expect(v.contains { $0.token >= UInt32.max - 1 })
        #expect(v.contains { $0.green } && v.contains { !$0.green })
    }

    @Test("every vector: MAC prefix, threshold and green flag", arguments: 0..<vectors.count)
    func vector(index: Int) throws {
        let v = Self.vectors[index]
        let scheme = try WatermarkScheme(gamma: v.gamma, contextWidth: v.h)
        let prf = try GreenListPRF(key: Hex.decode(v.keyHex), scheme: scheme)
        let prefix = prf.macPrefix(context: v.context, token: v.token)
        #expect(String(format: "%08x", prefix) == v.macPrefixHex)
        #expect(scheme.greenThreshold == v.threshold)
        #expect(prf.isGreen(context: v.context, token: v.token) == v.green)
        #expect(prf.greenFlags(context: v.context, candidates: [v.token, v.token]) == [v.green, v.green])
    }

    @Test("the message layout is label || 0x00 || u32be(h) || context || token")
    func messageLayout() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let prf = try GreenListPRF(key: key, scheme: WatermarkScheme(gamma: 0.25, contextWidth: 2))
        let message = Array("greenmark/prf/v1".utf8) + [0, 0, 0, 0, 2, 0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 42]
        let mac = try HMACSHA256.oneShot(key: key, message: message)
        let expected = UInt32(mac[0]) << 24 | UInt32(mac[1]) << 16 | UInt32(mac[2]) << 8 | UInt32(mac[3])
        #expect(prf.macPrefix(context: [256, UInt32.max], token: 42) == expected)
    }

    @Test("greenFlags agrees with isGreen over many candidates")
    func batchAgrees() throws {
        let prf = try GreenListPRF(key: SecureRandom.bytes(count: 32), scheme: .leftHash)
        let candidates = (0..<2000).map { UInt32($0 * 24 + 5) }
        let flags = prf.greenFlags(context: [123], candidates: candidates)
        #expect(flags == candidates.map { prf.isGreen(context: [123], token: $0) })
    }

    @Test("about gamma of all tokens are green (exact binomial bound, failure odds < 1e-6)")
    func greenFraction() throws {
        for gamma in [0.1, 0.25, 0.5] {
            let prf = try GreenListPRF(key: SecureRandom.bytes(count: 32), scheme: WatermarkScheme(gamma: gamma, contextWidth: 1))
            let n = 50_000
            let green = (0..<n).count { prf.isGreen(context: [UInt32($0 % 97)], token: UInt32($0)) }
            let z = ZScore.of(green: green, scored: n, gamma: gamma)
            #expect(abs(z) < 5, "gamma \(gamma): \(green) of \(n) green, z = \(z)")
        }
    }

    @Test("key ids match docs/test-vectors/key-id-v1.json")
    func keyIDs() throws {
        struct Entry: Decodable {
            let key_hex: String
            let key_id: String
        }
        let url = repositoryRoot.appendingPathComponent("docs/test-vectors/key-id-v1.json")
        let entries = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: url))
        #expect(entries.count >= 3)
        for e in entries {
            #expect(try KeyID.derive(from: Hex.decode(e.key_hex)) == e.key_id)
        }
    }

    @Test("scheme validation rejects out-of-range gamma and h")
    func schemeValidation() {
        for gamma in [0.0, 1.0, -0.1, 1.5, .nan, .infinity] {
            #expect(throws: GreenmarkError(.invalidScheme, "")) { try WatermarkScheme(gamma: gamma, contextWidth: 1) }
        }
        for h in [0, -1, 65] {
            #expect(throws: GreenmarkError(.invalidScheme, "")) { try WatermarkScheme(gamma: 0.25, contextWidth: h) }
        }
        #expect(WatermarkScheme.leftHash.greenThreshold == 1 << 30)
    }
}
