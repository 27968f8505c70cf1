import Foundation
import GreenmarkCore
import Testing

/// `greenmark-text-v1` is defined over the code points assigned in Unicode 14.0
/// (`docs/test-vectors/unicode-14.0-assigned.txt`).
@Suite("Canonical text: the Unicode 14.0 repertoire")
struct CanonicalTextUnicodeTests {
    static let tableFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/test-vectors/unicode-14.0-assigned.txt")

    /// The published table as inclusive ranges.
    static func publishedRanges() throws -> [(UInt32, UInt32)] {
        try String(contentsOf: tableFile, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let parts = line.split(separator: ".", omittingEmptySubsequences: true).map { UInt32($0, radix: 16)! }
            return (parts[0], parts.count == 2 ? parts[1] : parts[0])
        }
    }

    @Test("the compiled table answers exactly as the published file, at every code point")
    func tableMatchesFile() throws {
        let ranges = try Self.publishedRanges()
        #expect(ranges.count == 698)
        var assigned = [Bool](repeating: false, count: 0x110000)
        for (a, b) in ranges { for cp in a...b { assigned[Int(cp)] = true } }
        var mismatches = 0
        for cp in 0..<0x110000 where CanonicalText.isAssigned(UInt32(cp)) != assigned[cp] { mismatches += 1 }
        #expect(mismatches == 0)
    }

    @Test("known code points: Unicode 14.0 letters and emoji pass, later additions, noncharacters and unassigned ones do not")
    func knownCodePoints() {
        #expect(CanonicalText.firstUnassigned(in: "Café, naïve, 東京, 🙂, \u{1FAE0}, \u{E000}") == nil)  // U+1FAE0 melting face: 14.0
        #expect(CanonicalText.firstUnassigned(in: "shaking face \u{1FAE8}")?.value == 0x1FAE8)  // Unicode 15.0
        #expect(CanonicalText.firstUnassigned(in: "Kawi \u{11F00}")?.value == 0x11F00)  // Unicode 15.0
        #expect(CanonicalText.firstUnassigned(in: "\u{FFFE}")?.value == 0xFFFE)  // noncharacter
        #expect(CanonicalText.firstUnassigned(in: "\u{0378}")?.value == 0x378)  // never assigned
        #expect(CanonicalText.isAssigned(0x10FFFD) && !CanonicalText.isAssigned(0x10FFFF))
    }
}
