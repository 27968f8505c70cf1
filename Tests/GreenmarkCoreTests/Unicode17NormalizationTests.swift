import Foundation
import GreenmarkCore
import GreenmarkTestSupport
import Testing

/// What the detector's normalizer (`greenmark-normalizer-v2`) does with Unicode 17's UTS #39 data
/// (`../shared/external-vectors/uts39-confusables`, read at run time, never copied): every
/// Default_Ignorable_Code_Point, and every confusable whose prototype is printable ASCII, run
/// through the whole normalizer inside a Latin word. It measures, it does not change the
/// normalizer: the numbers are those of `docs/results/confusables-unicode17.md` (with
/// `scripts/compare_confusables.py` for the table itself), and a change of toolchain or table
/// that moves them fails here.
@Suite(
    "The normalizer against Unicode 17 (UTS #39 confusables, default ignorables)",
    .enabled(
        if: ExternalVectors.enabled("uts39-confusables"),
        "needs ../shared/external-vectors/uts39-confusables (never copied here); always runs when CI is set"))
struct Unicode17NormalizationTests {
    static let folder = "uts39-confusables"
    let normalizer = TextNormalizer()

    static func ignorables() throws -> [UInt32] {
        let text = String(decoding: try ExternalVectors.data(folder, "DerivedCoreProperties-17.0.0-Default_Ignorable_Code_Point.txt"), as: UTF8.self)
        var points = [UInt32]()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && line.contains("Default_Ignorable_Code_Point") {
            let range = line.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).components(separatedBy: "..")
            guard let first = UInt32(range[0], radix: 16), let last = UInt32(range.last!, radix: 16) else { continue }
            points += Array(first...last)
        }
        return points
    }

    /// Unicode 17 mappings of one non-ASCII code point to printable ASCII (`scripts/gen_confusables.py`'s filter).
    static func asciiConfusables() throws -> [(source: UInt32, prototype: String)] {
        let text = String(decoding: try ExternalVectors.data(folder, "confusables.txt"), as: UTF8.self)
        var out = [(UInt32, String)]()
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "#", maxSplits: 1).first.map { $0.split(separator: ";") } ?? []
            guard fields.count == 3, let source = UInt32(fields[0].trimmingCharacters(in: .whitespaces), radix: 16), source >= 0x80 else { continue }
            let target = fields[1].split(whereSeparator: \.isWhitespace).compactMap { UInt32($0, radix: 16) }
            guard !target.isEmpty, target.allSatisfy({ (0x20..<0x7F).contains($0) }) else { continue }
            out.append((source, String(String.UnicodeScalarView(target.compactMap(Unicode.Scalar.init)))))
        }
        return out
    }

    static func name(_ v: UInt32) -> String { String(format: "U+%04X", v) }

    /// Where the normalizer's output differs from Unicode 17's prototype, and why. Step 4 runs
    /// before the table: line and paragraph separators become LF (UTS #39: a space), smart quotes
    /// and primes become one ASCII quote (UTS #39: `''` for the double ones, `,` for the low single
    /// one), and NFC turns U+1FEF GREEK VARIA into U+0060 before any mapping. The other five are
    /// the prototypes Unicode 17 changed since the table's 13.0.
    static let differsFromUnicode17: [UInt32: String] = [
        0x2028: "\n", 0x2029: "\n", 0x201A: "'", 0x1FEF: "`", 0xFF02: "\"", 0x201C: "\"", 0x201D: "\"", 0x201F: "\"",
        0x2033: "\"", 0x2036: "\"", 0x02BA: "\"",
        0x04CF: "i", 0x09E6: "O", 0x0B66: "O", 0x0CE6: "o", 0x114D0: "O",
    ]

    @Test("every Unicode 17 default-ignorable code point (4,174) is removed between two letters")
    func ignorablesRemoved() throws {
        let points = try Self.ignorables()
        var kept = [UInt32]()
        for v in points {
            let scalar = try #require(Unicode.Scalar(v))
            if normalizer.normalize("a\(Character(scalar))b").text.unicodeScalars.map(\.value) != [0x61, 0x62] { kept.append(v) }
        }
        #expect(points.count == 4174)
        #expect(kept.isEmpty, "not removed: \(kept.map(Self.name))")
        // The toolchain's Unicode properties (NFC, Default_Ignorable_Code_Point, White_Space,
        // Alphabetic) are Unicode 17's: U+16EAA (new in 17.0) is known.
        #expect(Unicode.Scalar(0x16EAA)?.properties.age.map { [$0.major, $0.minor] } == [17, 0])
    }

    @Test("Unicode 17's 1,861 ASCII-prototype confusables in a Latin word: 1,775 mapped as Unicode 17 says, 70 untouched, 16 otherwise")
    func confusablesMapped() throws {
        let mappings = try Self.asciiConfusables()
        var (mapped, untouched, otherwise) = (0, [UInt32](), [UInt32: String]())
        for (source, prototype) in mappings {
            let scalar = try #require(Unicode.Scalar(source))
            let out = normalizer.normalize("a\(String(Character(scalar)))a").text
            if out == "a\(prototype)a" {
                mapped += 1
            } else if out.unicodeScalars.map(\.value) == [0x61, source, 0x61] {
                untouched.append(source)
                // Missing from the 13.0 table, which has no entry for it.
                #expect(TextNormalizer.confusablePrototype(of: scalar) == nil, "\(Self.name(source))")
            } else {
                otherwise[source] = String(out.dropFirst().dropLast())
            }
        }
        #expect(mappings.count == 1861 && mapped == 1775)
        #expect(untouched.count == 70, "\(untouched.map(Self.name))")
        #expect(otherwise == Self.differsFromUnicode17, "\(otherwise.map { "\(Self.name($0.key)) -> \($0.value.debugDescription)" })")
    }
}
