import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

@Suite("Normalization v2: invisible characters, whitespace, quotes, confusables")
struct RobustNormalizationTests {
    let normalizer = TextNormalizer()

    @Test("plain ASCII passes through untouched")
    func asciiUnchanged() {
        let text = "The committee met on Tuesday. It's 10:30, and \"all\" is well -- or is it?\n\tIndented."
        let out = normalizer.normalize(text)
        #expect(out.text == text)
        #expect(!out.changed)
    }

    @Test("Cyrillic and Greek look-alikes inside English words are mapped back")
    func homoglyphs() {
        // а е о р с х у і ѕ (Cyrillic) and Β Ο (Greek) inside Latin words.
        let attacked = "Thе pаrty's сhоісе wаѕ ΒОΟK-ready: ехасtly."
        let out = normalizer.normalize(attacked)
        #expect(out.text == "The party's choice was BOOK-ready: exactly.")
        #expect(out.changes.confusablesMapped == 16)
        #expect(out.changed)
    }

    @Test("words wholly in another script are left alone")
    func otherScripts() {
        let russian = "Привет, как дела? Это обычный текст."
        #expect(normalizer.normalize(russian).text == russian)
        let greek = "Καλημέρα κόσμε"
        #expect(normalizer.normalize(greek).text == greek)
        let french = "Un café très élégant, à Noël."
        #expect(normalizer.normalize(french).text == french)
    }

    @Test("zero-width and other invisible characters are removed")
    func invisibles() {
        let text = "in\u{200B}vis\u{200C}ible\u{200D} soft\u{00AD}hyphen\u{2060} bidi\u{202E}x\u{202C} tag\u{E0041}"
        let out = normalizer.normalize(text)
        #expect(out.text == "invisible softhyphen bidix tag")
        #expect(out.changes.invisibleRemoved == 8)
    }

    @Test("whitespace and quote variants become ASCII")
    func spacesAndQuotes() {
        let text = "“Smart” quotes\u{00A0}and ‘single’ ones\u{2003}here\u{2028}next line"
        let out = normalizer.normalize(text)
        #expect(out.text == "\"Smart\" quotes and 'single' ones here\nnext line")
        #expect(out.changes.quotesUnified == 4)
        #expect(out.changes.whitespaceUnified == 3)
    }

    @Test("fullwidth, mathematical and ligature forms map to ASCII")
    func compatibilityForms() {
        #expect(normalizer.normalize("Ｈｅｌｌｏ 𝐰𝐨𝐫𝐥𝐝 ﬁne").text == "Hello world fine")
    }

    @Test("NFD input is composed, so it tokenizes like the model's NFC output")
    func composition() {
        let nfd = "cafe\u{0301} au lait"
        let out = normalizer.normalize(nfd)
        #expect(out.text == "café au lait")
        #expect(out.changes.composed)
    }

    @Test(
        "normalization is idempotent",
        arguments: [
            "Thе pаrty\u{200B}’s “choice”", "Привет мир", "plain", "a\r\nb\u{FEFF}c", "ｆｕｌｌ ｗｉｄｔｈ",
        ])
    func idempotent(text: String) {
        let once = normalizer.normalize(text).text
        let twice = normalizer.normalize(once)
        #expect(twice.text == once)
        #expect(twice.changes.confusablesMapped == 0 && twice.changes.invisibleRemoved == 0)
    }

    @Test("the embedded table is exactly the ASCII-prototype subset of the shipped Unicode data file")
    func tableMatchesDataFile() throws {
        let url = repositoryRoot.appendingPathComponent("Sources/GreenmarkCore/Normalization/Data/confusables.txt")
        let data = try Data(contentsOf: url)
        #expect(Hex.encode(SHA256Digest.hash(Array(data))) == TextNormalizer.confusablesData.sha256)
        var expected: [UInt32: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let fields = content.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2 else { continue }
            let source = fields[0].split(separator: " ").compactMap { UInt32($0, radix: 16) }
            let target = fields[1].split(separator: " ").compactMap { UInt32($0, radix: 16) }
            guard source.count == 1, source[0] >= 0x80, target.allSatisfy({ (0x20..<0x7F).contains($0) }) else { continue }
            expected[source[0]] = String(String.UnicodeScalarView(target.compactMap(Unicode.Scalar.init)))
        }
        #expect(expected.count == TextNormalizer.confusablesData.entries)
        for (value, prototype) in expected {
            #expect(TextNormalizer.confusablePrototype(of: Unicode.Scalar(value)!) == prototype)
        }
        #expect(FileManager.default.fileExists(atPath: url.deletingLastPathComponent().appendingPathComponent("LICENSE-UNICODE.txt").path))
    }

    @Test("a homoglyph- and zero-width-attacked watermarked text scores exactly like the original")
    func attackedTextScoresTheSame() throws {
        let key = try WatermarkKey.generate(scheme: .leftHash, state: .primary)
        let detector = Detector(tokenizer: ByteTokenizer())
        // Lowercase letters and spaces only, so the look-alike map covers most characters.
        let prf = try key.prf()
        var rng = SystemRandomNumberGenerator()
        var bytes: [UInt8] = [UInt8(ascii: "t")]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz ".utf8)
        while bytes.count < 400 {
            let flags = prf.greenFlags(context: [UInt32(bytes.last!)], candidates: alphabet.map { UInt32($0) })
            let greens = zip(alphabet, flags).filter { $0.1 }.map(\.0)
            bytes.append(greens.randomElement(using: &rng) ?? alphabet.randomElement(using: &rng)!)
        }
        let clean = String(decoding: bytes, as: UTF8.self)
        let lookAlikes: [Character: Character] = ["a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і", "s": "ѕ"]
        let attacked = String(clean.flatMap { c -> [Character] in [lookAlikes[c] ?? c, "\u{200B}"] })
        let before = try detector.detect(clean, key: key, includeMask: false)
        let naive = try Detector(tokenizer: ByteTokenizer(), normalizer: TextNormalizer(robust: false)).detect(attacked, key: key, includeMask: false)
        let after = try detector.detect(attacked, key: key, includeMask: false)
        #expect(before.verdict == .watermarked)
        #expect(after.greenTokens == before.greenTokens && after.tokensScored == before.tokensScored)
        #expect(after.normalized)
        #expect(after.normalization.confusablesMapped == clean.filter { lookAlikes[$0] != nil }.count)
        #expect(after.normalization.invisibleRemoved == 400)
        // With transport-only normalization (version 1) the attack works: much of the evidence is lost.
        #expect(naive.zScore < before.zScore / 2)
    }
}
