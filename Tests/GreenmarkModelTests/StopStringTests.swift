import Foundation
import GreenmarkCore
import GreenmarkModel
import Testing

/// Stop strings: the limits, and `OutputText` (Aho–Corasick, linear) against `LegacyOutputText`
/// (the generator's code before it, kept as the reference) on the same token pieces.
@Suite("Stop strings: limits and linear-time matching with the old semantics")
struct StopStringTests {
    /// What a run of either implementation produced: the streamed pieces, the final text, and
    /// whether a stop string ended it.
    struct Run: Equatable, CustomStringConvertible {
        var pieces: [String] = []
        var text = ""
        var stopped = false
        var description: String { "pieces \(pieces.map(\.debugDescription)) text \(text.debugDescription) stopped \(stopped)" }
    }

    /// Feeds `pieces` as the generator does: stop at the first stop string, else finish.
    static func run(new: Bool, pieces: [[UInt8]], stops: [String]) -> Run {
        var r = Run()
        var modern = OutputText(stops: stops)
        var legacy = LegacyOutputText(stops: stops)
        for piece in pieces {
            let out = new ? modern.append(piece) : legacy.append(piece)
            if !out.isEmpty { r.pieces.append(out) }
            if new ? modern.stopped : legacy.stopped { break }
        }
        let rest = new ? modern.finish() : legacy.finish()
        if !rest.isEmpty { r.pieces.append(rest) }
        r.text = new ? modern.text : legacy.text
        r.stopped = new ? modern.stopped : legacy.stopped
        return r
    }

    /// Deterministic pseudo-random numbers (SplitMix64), so a failure is reproducible.
    struct Rng {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    @Test("same pieces, same stops: the new matcher streams, cuts and finishes exactly as the old code (40,000 random cases)")
    func matchesLegacy() {
        // Characters on which Foundation's range(of:) (the old search) is literal: no combining
        // marks, no canonical equivalents. Multi-byte ones are split across pieces below, and
        // invalid bytes (0xFF, a lone continuation byte, a truncated lead) decode to U+FFFD.
        let alphabet: [String] = ["a", "b", "c", "ab", " ", "\n", "\r\n", "é", "中", "😀", "\u{FFFD}", "a b", "ba"]
        let junk: [[UInt8]] = [[0xFF], [0x80], [0xE4, 0xB8], [0xF0, 0x9F]]
        var rng = Rng(state: 17)
        var stopped = 0
        for _ in 0..<40_000 {
            let stops = (0..<(1 + rng.next(4))).map { _ in (0..<(1 + rng.next(5))).map { _ in alphabet[rng.next(alphabet.count)] }.joined() }
            var bytes: [UInt8] = []
            for _ in 0..<rng.next(24) {
                bytes += rng.next(12) == 0 ? junk[rng.next(junk.count)] : Array(alphabet[rng.next(alphabet.count)].utf8)
            }
            // Cut the bytes into pieces anywhere, as tokens cut UTF-8 sequences.
            var pieces: [[UInt8]] = []
            var i = 0
            while i < bytes.count {
                let n = 1 + rng.next(5)
                pieces.append(Array(bytes[i..<min(bytes.count, i + n)]))
                i += n
            }
            let old = Self.run(new: false, pieces: pieces, stops: stops)
            let new = Self.run(new: true, pieces: pieces, stops: stops)
            #expect(new == old, "stops \(stops.map(\.debugDescription)) pieces \(pieces)")
            if new != old { return }
            if new.stopped { stopped += 1 }
            // The streamed pieces add up to the final text; nothing streamed is part of a stop string.
            #expect(new.pieces.joined() == new.text)
        }
        #expect(stopped > 5_000, "too few cases hit a stop string (\(stopped)) to mean anything")
    }

    @Test("the earliest-starting stop string wins among those completed by one token; text that could begin one is held back")
    func semantics() {
        // One piece completes "bc" (ends first) and "abcd" (starts first): the cut is before "abcd".
        #expect(Self.run(new: true, pieces: [Array("xabcdy".utf8)], stops: ["bc", "abcd"]).text == "x")
        // Token by token, "bc" completes first and wins: the output is cut there.
        #expect(Self.run(new: true, pieces: ["x", "a", "b", "c", "d"].map { Array($0.utf8) }, stops: ["bc", "abcd"]).text == "xa")
        // "wor" is held back while it could become "world"; released when it cannot.
        let held = Self.run(new: true, pieces: ["hello", " wor", "m"].map { Array($0.utf8) }, stops: ["world"])
        #expect(held.pieces == ["hello", " ", "worm"] && !held.stopped)
        // A stop string across a split multi-byte character.
        let split = Self.run(new: true, pieces: [[0x61, 0xE4], [0xB8, 0xAD, 0x62]], stops: ["中"])
        #expect(split.text == "a" && split.stopped)
        // An incomplete character at the end is finished as U+FFFD.
        #expect(Self.run(new: true, pieces: [[0x61, 0xE4, 0xB8]], stops: ["z"]).text == "a\u{FFFD}")
        // Stop strings overlapping themselves (the failure links): "aab" inside "aaab".
        #expect(Self.run(new: true, pieces: ["a", "a", "a", "b"].map { Array($0.utf8) }, stops: ["aab"]).text == "a")
    }

    @Test(
        "matching is literal on Unicode scalars, so the stream and the record always agree (the old search matched canonical equivalents it had already streamed)"
    )
    func literalScalars() {
        // "é" as e + U+0301 is canonically equivalent to the stop "é" (U+00E9). The old code
        // streamed the "e" (not a prefix of the stop, so not held back), then found the stop and
        // cut before it: the record lost a character the client had received.
        let pieces = [Array("e".utf8), Array("\u{301}!".utf8)]
        let old = Self.run(new: false, pieces: pieces, stops: ["\u{E9}"])
        #expect(old.stopped && old.pieces.joined() != old.text)
        let new = Self.run(new: true, pieces: pieces, stops: ["\u{E9}"])
        #expect(!new.stopped && new.pieces.joined() == new.text && new.text == "e\u{301}!")
        // With combining marks anywhere, the new stream equals the record.
        var rng = Rng(state: 5)
        let alphabet = ["e", "\u{301}", "\u{E9}", "a", "\u{308}"]
        for _ in 0..<5_000 {
            let stops = (0..<(1 + rng.next(3))).map { _ in (0..<(1 + rng.next(3))).map { _ in alphabet[rng.next(alphabet.count)] }.joined() }
            let pieces = (0..<rng.next(10)).map { _ in Array(alphabet[rng.next(alphabet.count)].utf8) }
            let r = Self.run(new: true, pieces: pieces, stops: stops)
            #expect(r.pieces.joined() == r.text)
        }
    }

    @Test("at most 16 stop strings of at most 1,024 Unicode scalars: beyond, generation.too_many_stops / generation.stop_too_long")
    func limits() throws {
        func request(_ stops: [String]) -> GenerationRequest { GenerationRequest(prompt: "hi", stopStrings: stops) }
        try request(Array(repeating: String(repeating: "é", count: 1_024), count: 16)).validate()
        #expect(throws: GreenmarkError(.tooManyStopStrings, "")) { try request(Array(repeating: "x", count: 17)).validate() }
        #expect(throws: GreenmarkError(.stopStringTooLong, "")) { try request(["ok", String(repeating: "a", count: 1_025)]).validate() }
        // Scalars, not bytes or characters: 1,024 four-byte emoji pass, 1,025 do not.
        try request([String(repeating: "😀", count: 1_024)]).validate()
        #expect(throws: GreenmarkError(.stopStringTooLong, "")) { try request([String(repeating: "😀", count: 1_025)]).validate() }
        #expect(throws: GreenmarkError(.generationInvalid, "")) { try request([""]).validate() }
        // The 20 stop strings of 30,000 characters are refused before any work.
        #expect(throws: GreenmarkError(.tooManyStopStrings, "")) {
            try request(Array(repeating: String(repeating: "q", count: 30_000), count: 20)).validate()
        }
    }
}
