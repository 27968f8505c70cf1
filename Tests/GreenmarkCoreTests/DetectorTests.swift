import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

@Suite("Detector")
struct DetectorTests {
    let key: WatermarkKey
    let detector = Detector(tokenizer: ByteTokenizer())

    init() throws {
        key = try WatermarkKey.generate(scheme: .leftHash, state: .primary)
    }

    @Test("a fully green text is detected with a huge z and a tiny exact p-value")
    func watermarkedText() throws {
        let text = fullyGreenText(prf: try key.prf(), length: 400)
        let r = try detector.detect(text, key: key)
        let (verdict, watermarked) = (r.verdict, r.watermarked)
        #expect(verdict == .watermarked)
        #expect(watermarked)
        #expect(r.tokensScored > 300)
        #expect(r.zScore > 10)
        #expect(r.pValue < 1e-20)
        #expect(r.log10PValue < -20)
        #expect(r.greenFraction > 0.9)
        #expect(r.keyID == key.id)
    }

    @Test("several keys: the matching key is named and the p-value is corrected for the keys tried")
    func multipleKeys() throws {
        let text = fullyGreenText(prf: try key.prf(), length: 300)
        let other2 = try WatermarkKey.generate(scheme: .leftHash, state: .enabled)
        let ring = try Keyring(keys: [key, try WatermarkKey.generate(scheme: .leftHash, state: .enabled), other2])
        let other1ID = ring.keys[1].id
        let promoted = try ring.setting(other1ID, to: .primary)  // the old primary becomes enabled
        let other1 = try promoted.key(id: other1ID)
        let enabled = try promoted.key(id: key.id)
        #expect(enabled.state == .enabled && other1.state == .primary)
        let single = try detector.detect(text, key: enabled, includeMask: false)
        let multi = try detector.detect(text, keys: [other1, enabled, other2], includeMask: false)
        #expect(multi.keyID == key.id)
        #expect(multi.keysTried == 3)
        #expect(multi.zScore == single.zScore)
        #expect(abs(multi.log10PValue - (single.log10PValue + log10(3.0))) < 1e-9)
        #expect(multi.pValueSingleKey == single.pValue)
        let verdict = multi.verdict
        #expect(verdict == .watermarked)
        // A text under none of the keys stays below the threshold whichever key is best.
        let human = try detector.detect(String(repeating: "plain words of a person ", count: 30), keys: [other1, other2], includeMask: false)
        #expect(human.pValue >= human.pValueSingleKey)
    }

    @Test("the same text under another key shows no watermark")
    func otherKey() throws {
        let text = fullyGreenText(prf: try key.prf(), length: 400)
        let other = try WatermarkKey.generate(scheme: .leftHash, state: .primary)
        let r = try detector.detect(text, key: other)
        let (verdict, watermarked) = (r.verdict, r.watermarked)
        #expect(verdict == .noWatermark)
        #expect(!watermarked)
        #expect(r.zScore < 4)
    }

    @Test("counts, z and p agree with an independent recount from the mask")
    func countsAgree() throws {
        let text = "The quick brown fox jumps over the lazy dog. The quick brown fox jumps again and again."
        let r = try detector.detect(text, key: key)
        let mask = try #require(r.mask)
        #expect(mask.count == text.utf8.count)
        #expect(r.tokensTotal == mask.count)
        #expect(r.tokensScored == mask.count { $0.scored })
        #expect(r.greenTokens == mask.count { $0.scored && $0.green == true })
        #expect(abs(r.zScore - ZScore.of(green: r.greenTokens, scored: r.tokensScored, gamma: 0.25)) < 1e-12)
        #expect(r.pValue == BinomialTail.upper(successes: r.greenTokens, trials: r.tokensScored, probability: 0.25).probability)
        // The first h tokens have no context; repeated (context, token) pairs are skipped.
        #expect(mask[0].skip == .noContext && mask[0].green == nil && !mask[0].scored)
        #expect(mask.contains { $0.skip == .repeated })
        var seen = Set<String>()
        for i in 1..<mask.count {
            let pair = "\(mask[i - 1].id)-\(mask[i].id)"
            #expect(mask[i].scored == seen.insert(pair).inserted)
        }
        // Offsets tile the text.
        #expect(mask.first?.start == 0 && mask.last?.end == text.utf8.count)
    }

    @Test("counting repeated n-grams is refused: it would void the p-value")
    func repeatsOption() throws {
        var config = DetectorConfiguration.default
        config.ignoreRepeatedNgrams = false
        let text = String(repeating: "ab", count: 100)
        #expect(throws: GreenmarkError(.invalidDetectorConfiguration, "")) {
            try Detector(tokenizer: ByteTokenizer(), configuration: config).detect(text, key: key)
        }
        #expect(throws: GreenmarkError(.invalidDetectorConfiguration, "")) { try config.validate() }
        // The raw count (a diagnostic, no p-value): every one of the 199 bigrams, 2 of them distinct.
        let tokens = try ByteTokenizer().tokenize(text)
        #expect(TokenScores(tokens: tokens, prf: try key.prf(), ignoreRepeats: false).scored == 199)
        var bad = DetectorConfiguration.default
        bad.zThreshold = .nan
        #expect(throws: GreenmarkError(.invalidDetectorConfiguration, "")) { try bad.validate() }
        bad = .default
        bad.minimumScoredTokens = 0
        #expect(throws: GreenmarkError(.invalidDetectorConfiguration, "")) { try bad.validate() }
        try DetectorConfiguration.default.validate()
        let deduped = try detector.detect(text, key: key)
        #expect(deduped.tokensScored == 2)
        #expect(deduped.verdict == .tooShort)
    }

    @Test("short texts are too short to decide, never human, with the tokens still needed")
    func tooShort() throws {
        let text = fullyGreenText(prf: try key.prf(), length: 30)
        let r = try detector.detect(text, key: key)
        let (verdict, watermarked) = (r.verdict, r.watermarked)
        #expect(verdict == .tooShort)
        #expect(!watermarked)
        #expect(r.moreTokensNeeded == DetectorConfiguration.default.minimumScoredTokens - r.tokensScored)
        #expect(Verdict.tooShort.plainWords == "too short to decide")
        #expect(!Verdict.noWatermark.plainWords.lowercased().contains("human-written"))
    }

    @Test("a key bound to another vocabulary refuses to score; a matching binding scores")
    func vocabularyBinding() throws {
        let other = try WatermarkKey.generate(scheme: .leftHash, state: .primary, vocabulary: "vocab-ffffffffffffffff")
        #expect(throws: GreenmarkError(.vocabularyMismatch, "")) { try detector.detect("some text here", key: other) }
        let bound = try WatermarkKey.generate(scheme: .leftHash, state: .primary, vocabulary: ByteTokenizer().vocabularyID)
        #expect(try detector.detect("some text here", key: bound).keyID == bound.id)
    }

    @Test("empty and whitespace-only text is an error")
    func emptyText() {
        for text in ["", "   ", "\n\t \u{FEFF}"] {
            #expect(throws: GreenmarkError(.emptyText, "")) { try detector.detect(text, key: key) }
        }
    }

    @Test("disabled and destroyed keys cannot detect")
    func unusableKeys() throws {
        let other = try WatermarkKey.generate(scheme: .leftHash, state: .enabled)
        let ring = try Keyring(keys: [key, other])
        let disabled = try ring.setting(other.id, to: .disabled).key(id: other.id)
        #expect(throws: GreenmarkError(.keyNotUsable, "")) { try detector.detect("some text here", key: disabled) }
        let destroyed = try ring.setting(other.id, to: .destroyed).key(id: other.id)
        #expect(destroyed.secret.isEmpty)
        #expect(throws: GreenmarkError(.keyNotUsable, "")) { try detector.detect("some text here", key: destroyed) }
    }

    @Test("normalization is reported and CRLF text scores like LF text")
    func normalization() throws {
        let prf = try key.prf()
        let lf = (0..<5).map { _ in fullyGreenText(prf: prf, length: 40) }.joined(separator: "\n")
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        let a = try detector.detect(lf, key: key)
        let b = try detector.detect(crlf, key: key)
        #expect(!a.normalized && b.normalized)
        #expect(a.zScore == b.zScore && a.greenTokens == b.greenTokens)
    }

    @Test("the JSON result uses the documented snake_case fields")
    func jsonFields() throws {
        let r = try detector.detect(fullyGreenText(prf: try key.prf(), length: 120), key: key)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as! [String: Any]
        for field in [
            "z_score", "p_value", "log10_p_value", "tokens_scored", "green_tokens", "green_fraction",
            "watermarked", "verdict", "key_id", "mask", "scheme", "z_threshold", "min_tokens",
        ] {
            #expect(object[field] != nil, "missing \(field)")
        }
        let decoded = try JSONDecoder().decode(DetectionResult.self, from: JSONEncoder().encode(r))
        #expect(decoded.zScore == r.zScore && decoded.mask == r.mask)
    }

    @Test("false-positive rate of the decision rule on random token streams stays near the nominal level")
    func nullCalibration() throws {
        // 2,000 random texts of 200 tokens: under H0 P[z >= 4] = P[Bin(200, 0.25) >= 75] = 6.15e-5
        // (the binomial's skew puts it above the normal 3.2e-5), 0.123 expected positives; more than
        // 5 has probability about 5e-9 (more than 2, the old bound: 2.8e-4).
        var rng = SystemRandomNumberGenerator()
        let prf = try key.prf()
        var positives = 0
        var zs: [Double] = []
        for _ in 0..<2000 {
            let tokens = (0..<201).map { _ in UInt32.random(in: 0..<49_152, using: &rng) }
            let s = TokenScores(tokens: tokens, prf: prf, ignoreRepeats: true)
            let z = ZScore.of(green: s.green, scored: s.scored, gamma: 0.25)
            zs.append(z)
            if z >= 4 { positives += 1 }
        }
        #expect(positives <= 5)
        let mean = zs.reduce(0, +) / Double(zs.count)
        let sd = (zs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(zs.count - 1)).squareRoot()
        #expect(abs(mean) < 0.15, "mean z \(mean)")
        #expect(abs(sd - 1) < 0.1, "sd z \(sd)")
    }

    @Test("the decision rule's exact false-positive rate is at most the nominal 3.17e-5 at every length")
    func exactFalsePositiveBound() {
        let config = DetectorConfiguration.default
        #expect(abs(config.maximumPValue - 3.167124183311986e-5) < 1e-15)
        var worstZOnly = 0.0
        for t in 1...2000 {
            // Smallest green count the rule calls watermarked; under H0 the green flags of distinct
            // (context, token) pairs are i.i.d. Bernoulli(gamma), so its tail is the exact FPR.
            var fpr = 0.0
            if let g = (0...t).first(where: { g in
                ZScore.of(green: g, scored: t, gamma: 0.25) >= config.zThreshold
                    && BinomialTail.upper(successes: g, trials: t, probability: 0.25).probability <= config.maximumPValue
            }) {
                fpr = BinomialTail.upper(successes: g, trials: t, probability: 0.25).probability
            }
            #expect(fpr <= config.maximumPValue, "T = \(t)")
            let gz = ZScore.greenNeeded(scored: t, gamma: 0.25, threshold: 4)
            if gz <= t { worstZOnly = max(worstZOnly, BinomialTail.upper(successes: gz, trials: t, probability: 0.25).probability) }
        }
        // Why the p-value condition exists: z >= 4 alone overshoots the nominal rate on short texts.
        #expect(worstZOnly > 3 * config.maximumPValue)
    }
}
