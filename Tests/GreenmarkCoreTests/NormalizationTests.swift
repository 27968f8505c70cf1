import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

@Suite("Normalization and input decoding")
struct NormalizationTests {
    @Test(
        "line endings and byte-order mark",
        arguments: [
            ("a\r\nb", "a\nb", true), ("a\rb", "a\nb", true), ("a\r\r\nb", "a\n\nb", true),
            ("\u{FEFF}abc", "abc", true), ("abc\r", "abc\n", true), ("plain\ntext", "plain\ntext", false),
        ])
    func lineEndings(input: String, expected: String, changed: Bool) {
        let out = TextNormalizer().normalize(input)
        #expect(out.text == expected)
        #expect(out.changed == changed)
    }

    @Test("invalid UTF-8 is rejected with the offset of the first bad byte")
    func invalidUTF8() throws {
        #expect(try TextInput.decodeUTF8(Array("héllo".utf8)) == "héllo")
        do {
            _ = try TextInput.decodeUTF8([0x61, 0x62, 0xff, 0x63])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(error.reason.contains("offset 2"))
        }
    }
}

@Suite("Canonical text (certificate subject digests)")
struct CanonicalTextTests {
    struct Vector: Decodable {
        let text: String
        let canonical_utf8_hex: String
        let sha256: String
    }

    @Test("matches docs/test-vectors/canonical-text-v1.json (computed by the Python reference)")
    func vectors() throws {
        let url = repositoryRoot.appendingPathComponent("docs/test-vectors/canonical-text-v1.json")
        let vectors = try JSONDecoder().decode([Vector].self, from: Data(contentsOf: url))
        #expect(vectors.count >= 10)
        for v in vectors {
            #expect(Hex.encode(CanonicalText.bytes(of: v.text)) == v.canonical_utf8_hex, "\(v.text.debugDescription)")
            #expect(CanonicalText.sha256(of: v.text) == v.sha256)
        }
    }
}
