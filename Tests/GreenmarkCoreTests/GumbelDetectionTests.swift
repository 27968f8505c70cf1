import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

/// A tokenizer for tests that reads whitespace-separated decimal token ids, so that vectors given as
/// ids can go through the whole detector.
struct IDTokenizer: Tokenizer {
    let name = "ids"
    let vocabularySize = 1 << 20
    var vocabularyID: String { "vocab-ids" }
    func tokenize(_ text: String) throws(GreenmarkError) -> [UInt32] { text.split(whereSeparator: \.isWhitespace).compactMap { UInt32($0) } }
    func pieceBytes(of token: UInt32) -> [UInt8] { Array("\(token) ".utf8) }

    static func text(_ ids: [UInt32]) -> String { ids.map(String.init).joined(separator: " ") }
}

/// One detection vector of `docs/test-vectors/gumbel-v1.json`: ids and key → T, S, p.
struct GumbelDetectionCase: Decodable {
    let note: String
    let keyHex: String
    let h: Int
    let ids: [UInt32]
    let T: Int
    let scoredPositions: [Int]
    let S: String
    let p: Double
    let log10P: String

    enum CodingKeys: String, CodingKey {
        case note
        case keyHex = "key_hex"
        case h, ids, T
        case scoredPositions = "scored_positions"
        case S, p
        case log10P = "log10_p"
    }

    static let all: [GumbelDetectionCase] = {
        struct File: Decodable { let detection: [GumbelDetectionCase] }
        let url = repositoryRoot.appendingPathComponent("docs/test-vectors/gumbel-v1.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).detection
    }()

    func key(state: KeyState = .primary) throws -> WatermarkKey {
        try WatermarkKey(
            secret: Hex.decode(keyHex), scheme: WatermarkScheme(prf: .gumbelV1, gamma: 0, contextWidth: h), state: state)
    }
}

@Suite("gumbel-v1 detection")
struct GumbelDetectionTests {
    let detector = Detector(tokenizer: IDTokenizer())

    @Test("T, S and p of every detection vector match the Python reference", arguments: GumbelDetectionCase.all)
    func vectors(_ c: GumbelDetectionCase) throws {
        let prf = try c.key().prf()
        let scores = TokenScores(tokens: c.ids, prf: prf, ignoreRepeats: true)
        #expect(scores.isGumbel)
        #expect(scores.scored == c.T)
        #expect(scores.skips.indices.filter { scores.skips[$0] == nil } == c.scoredPositions)
        let s = Double(c.S)!
        #expect(abs(scores.score - s) <= 1e-12 * max(1, s), "\(c.note): S \(scores.score) vs \(s)")
        let result = try detector.detect(IDTokenizer.text(c.ids), key: c.key(), includeMask: true)
        #expect(result.tokensScored == c.T)
        #expect(result.score.map { abs($0 - s) <= 1e-12 * max(1, s) } == true)
        let log10P = Double(c.log10P)!
        #expect(abs(result.log10PValue - log10P) <= 1e-9 * max(1, abs(log10P)), "\(c.note): \(result.log10PValue) vs \(log10P)")
        #expect(abs(result.pValue - c.p) <= 1e-9 * c.p)
        #expect(result.greenTokens == 0)
        #expect(
            result.zScore == (c.T > 0 ? (s - Double(c.T)) / Double(c.T).squareRoot() : 0)
                || abs(result.zScore - (s - Double(c.T)) / Double(c.T).squareRoot()) < 1e-9)
        let expected: Verdict = c.T < 50 ? .tooShort : (c.p <= DetectorConfiguration.default.maximumPValue ? .watermarked : .noWatermark)
        #expect(result.verdict == expected, "\(c.note)")
        // The mask carries each token's score (and no green flag); the scored ones sum to S.
        let mask = try #require(result.mask)
        #expect(mask.allSatisfy { $0.green == nil })
        let summed = mask.filter(\.scored).compactMap(\.score).reduce(0, +)
        #expect(abs(summed - s) <= 1e-9 * max(1, s))
    }

    @Test("the JSON of a gumbel result carries score and no green count; the scheme has no gamma")
    func json() throws {
        let c = GumbelDetectionCase.all[4]
        let result = try detector.detect(IDTokenizer.text(c.ids), key: c.key(), includeMask: false)
        #expect(result.verdict == .watermarked)
        let data = try JSONEncoder().encode(result)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["score"] as? Double == result.score)
        #expect(object["green_tokens"] == nil && object["green_fraction"] == nil)
        let scheme = try #require(object["scheme"] as? [String: Any])
        #expect(scheme["prf"] as? String == "gumbel-v1" && scheme["h"] as? Int == 4 && scheme["gamma"] == nil)
        let decoded = try JSONDecoder().decode(DetectionResult.self, from: data)
        #expect(decoded.score == result.score && decoded.scheme == result.scheme && decoded.log10PValue == result.log10PValue)
    }

    @Test("gumbel-v1 ignores gamma; the green-list schemes still require it")
    func schemeCoding() throws {
        let a = try JSONDecoder().decode(WatermarkScheme.self, from: Data(#"{"prf":"gumbel-v1","h":4}"#.utf8))
        let b = try JSONDecoder().decode(WatermarkScheme.self, from: Data(#"{"prf":"gumbel-v1","gamma":0.3,"h":4}"#.utf8))
        #expect(a == .gumbel && b == .gumbel && a.gamma == 0)
        #expect(try WatermarkScheme(prf: .gumbelV1, gamma: 0.7, contextWidth: 4) == .gumbel)
        #expect(String(decoding: try JSONEncoder().encode(a), as: UTF8.self).contains("gamma") == false)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(WatermarkScheme.self, from: Data(#"{"prf":"lefthash-v1","h":1}"#.utf8)) }
        #expect(throws: GreenmarkError.self) { try WatermarkScheme(prf: .gumbelV1, gamma: 0, contextWidth: 0) }
        #expect(WatermarkScheme.gumbel.description == "gumbel-v1 h=4")
    }

    @Test("several keys across schemes: the gumbel key is named, p is corrected for the keys tried")
    func multiKey() throws {
        let c = GumbelDetectionCase.all[4]
        let gumbel = try c.key(state: .enabled)
        let others = [try WatermarkKey.generate(scheme: .leftHash, state: .primary), try WatermarkKey.generate(scheme: .gumbel, state: .enabled)]
        let single = try detector.detect(IDTokenizer.text(c.ids), key: gumbel, includeMask: false)
        let many = try detector.detect(IDTokenizer.text(c.ids), keys: others + [gumbel], includeMask: false)
        #expect(many.keyID == gumbel.id && many.keysTried == 3)
        #expect(abs(many.log10PValue - (single.log10PValue + log10(3.0))) < 1e-12)
        #expect(many.score == single.score && many.verdict == .watermarked)
    }

    @Test("span search finds a gumbel-watermarked run inside random ids and corrects for the windows")
    func spanSearch() throws {
        let c = GumbelDetectionCase.all[4]
        var rng = SystemRandomNumberGenerator()
        let noise = { (n: Int) in (0..<n).map { _ in UInt32.random(in: 0..<49_152, using: &rng) } }
        let ids = noise(300) + c.ids + noise(300)
        let searching = Detector(tokenizer: IDTokenizer(), configuration: DetectorConfiguration.default.searchingSpans(true))
        let r = try searching.detect(IDTokenizer.text(ids), key: c.key(), includeMask: false)
        let span = try #require(r.span)
        #expect(r.verdict == .watermarked)
        let spanScore = try #require(span.score)
        #expect(span.greenTokens == 0 && span.tokenStart >= 250 && span.tokenEnd <= 550)
        let tail = GammaTail.pValue(score: spanScore, count: span.tokensScored)
        #expect(abs(span.log10PValueUncorrected - tail.log10Probability) < 1e-12)
        #expect(abs(r.log10PValue - (tail.log10Probability + log10(2.0 * Double(span.windowsSearched)))) < 1e-9)
        #expect(abs(span.zScore - (spanScore - Double(span.tokensScored)) / Double(span.tokensScored).squareRoot()) < 1e-9)
    }

    @Test("null texts under fresh keys: p-values are uniform (1,000 texts, counts far inside Bin(1000, 0.1))")
    func nullCalibration() throws {
        var rng = SystemRandomNumberGenerator()
        var below10 = 0
        var below50 = 0
        var watermarked = 0
        for _ in 0..<1000 {
            let key = try WatermarkKey.generate(scheme: .gumbel, state: .primary)
            let ids = (0..<64).map { _ in UInt32.random(in: 0..<49_152, using: &rng) }
            let r = try detector.detect(IDTokenizer.text(ids), key: key, includeMask: false)
            if r.pValue <= 0.1 { below10 += 1 }
            if r.pValue <= 0.5 { below50 += 1 }
            #expect(r.verdict != .tooShort)
            if r.verdict == .watermarked { watermarked += 1 }
        }
        // Bin(1000, 3.17e-5): one watermarked verdict in ~3 % of runs, three or more below 6e-6.
        #expect(watermarked <= 2)
        // Bin(1000, 0.1): mean 100, sd 9.5 (bounds at ±6.3 sd); Bin(1000, 0.5): mean 500, sd 15.8 (±6.3 sd).
        #expect((40...160).contains(below10), "\(below10)")
        #expect((400...600).contains(below50), "\(below50)")
    }

    @Test("length guidance for a gumbel text: at the text's mean score the rule is reached after the suggested tokens")
    func lengthGuidance() throws {
        let config = DetectorConfiguration.default
        let more = try #require(LengthGuidance.tokensToConfirm(score: 60 * 1.4, scored: 60, configuration: config))
        let n = 60 + more
        #expect(GammaTail.pValue(score: 1.4 * Double(n), count: n).probability <= config.maximumPValue)
        #expect(GammaTail.pValue(score: 1.4 * Double(n - 1), count: n - 1).probability > config.maximumPValue)
        #expect(LengthGuidance.tokensToConfirm(score: 55, scored: 60, configuration: config) == nil)
    }
}
