import Foundation
import GreenmarkCore

/// Limits on stop strings, checked before a generation is admitted (`GenerationRequest.validate()`).
public enum StopStrings {
    /// Most stop strings per request (OpenAI allows 4).
    public static let maximumCount = 16
    /// Longest stop string, in Unicode scalars.
    public static let maximumLength = 1_024

    /// Throws `generation.too_many_stops`, `generation.stop_too_long` or, for an empty string,
    /// `generation.invalid_request`.
    public static func check(_ stops: [String]) throws(GreenmarkError) {
        guard stops.count <= maximumCount else {
            throw GreenmarkError(.tooManyStopStrings, "at most \(maximumCount) stop strings are allowed (got \(stops.count))")
        }
        for (i, stop) in stops.enumerated() {
            guard !stop.isEmpty else { throw GreenmarkError(.generationInvalid, "stop strings must not be empty") }
            // Counted lazily, so a huge string costs no more than the limit to refuse.
            guard stop.unicodeScalars.dropFirst(maximumLength).isEmpty else {
                throw GreenmarkError(.stopStringTooLong, "stop string \(i + 1) is longer than \(maximumLength) characters (Unicode scalars)")
            }
        }
    }
}

/// Finds stop strings in a growing sequence of Unicode scalars with an Aho–Corasick automaton:
/// each scalar costs amortized O(1) (worst case per scalar: the longest stop string's length),
/// whatever the number and length of the stop strings; building costs their total length.
///
/// Matching is literal on Unicode scalars: a stop string matches where its scalars occur in the
/// output, as they are (no normalization, no case folding).
public struct StopStringMatcher: Sendable {
    /// The automaton over all stop strings; immutable once built and shared between copies.
    private final class Automaton: Sendable {
        /// Goto function: (state << 21 | scalar) → next state. Scalars fit in 21 bits.
        let next: [UInt64: Int32]
        /// Failure links: the state of the longest proper suffix that is also in the trie.
        let fail: [Int32]
        /// Length of each state's string (the path from the root).
        let depth: [Int32]
        /// Length of the longest stop string that is a suffix of the state's string; 0 if none.
        let longestMatch: [Int32]

        init(_ stops: [String]) {
            let total = stops.reduce(0) { $0 + $1.unicodeScalars.count }
            var next: [UInt64: Int32] = [:]
            next.reserveCapacity(total)
            var depth: [Int32] = [0]
            depth.reserveCapacity(total + 1)
            var terminal: [Bool] = [false]
            var children: [[(UInt64, Int32)]] = [[]]
            for stop in stops {
                var state: Int32 = 0
                for scalar in stop.unicodeScalars {
                    let key = UInt64(state) << 21 | UInt64(scalar.value)
                    if let child = next[key] {
                        state = child
                    } else {
                        let child = Int32(depth.count)
                        next[key] = child
                        children[Int(state)].append((UInt64(scalar.value), child))
                        depth.append(depth[Int(state)] + 1)
                        terminal.append(false)
                        children.append([])
                        state = child
                    }
                }
                terminal[Int(state)] = true
            }
            var fail = [Int32](repeating: 0, count: depth.count)
            var longest = [Int32](repeating: 0, count: depth.count)
            // Breadth first: a state's failure link is shorter, so it is done before the state.
            var queue: [Int32] = [0]
            var head = 0
            while head < queue.count {
                let u = queue[head]
                head += 1
                for (scalar, v) in children[Int(u)] {
                    if u != 0 {
                        var f = fail[Int(u)]
                        while true {
                            if let g = next[UInt64(f) << 21 | scalar] {
                                fail[Int(v)] = g
                                break
                            }
                            if f == 0 { break }
                            f = fail[Int(f)]
                        }
                    }
                    longest[Int(v)] = terminal[Int(v)] ? depth[Int(v)] : longest[Int(fail[Int(v)])]
                    queue.append(v)
                }
            }
            self.next = next
            self.fail = fail
            self.depth = depth
            self.longestMatch = longest
        }
    }

    private let automaton: Automaton?
    private var state: Int32 = 0
    /// Scalars consumed so far.
    public private(set) var position = 0

    /// A matcher for `stops` (empty strings are ignored).
    public init(stops: [String]) {
        let stops = stops.filter { !$0.isEmpty }
        automaton = stops.isEmpty ? nil : Automaton(stops)
    }

    /// Consumes one scalar. Returns where the longest stop string ending with it starts (an
    /// offset in scalars from the first one consumed), or nil when none ends here.
    public mutating func consume(_ scalar: Unicode.Scalar) -> Int? {
        position += 1
        guard let a = automaton else { return nil }
        let value = UInt64(scalar.value)
        var s = state
        while true {
            if let g = a.next[UInt64(s) << 21 | value] {
                s = g
                break
            }
            if s == 0 { break }
            s = a.fail[Int(s)]
        }
        state = s
        let match = Int(a.longestMatch[Int(s)])
        return match > 0 ? position - match : nil
    }

    /// The longest run of trailing scalars that is a prefix of a stop string: text that could
    /// still become a stop string, and so is held back while streaming. (Once a stop string has
    /// matched, the caller stops feeding.)
    public var heldBack: Int {
        guard let a = automaton else { return 0 }
        return Int(a.depth[Int(state)])
    }
}

/// Turns a generation's bytes, token by token, into text: decodes complete UTF-8 (invalid bytes
/// become U+FFFD), cuts the output before the first stop string, and says which text can be
/// streamed (never part of a stop string).
///
/// The rules: after each token, the output so far (up to its last complete UTF-8 sequence) is
/// searched for every stop string; if any occurs, the output ends where the earliest occurrence
/// starts. Otherwise every scalar may be streamed except the trailing ones that begin a stop
/// string. When the generation ends without a stop string, everything not yet streamed
/// (including an incomplete UTF-8 tail, as U+FFFD) is streamed.
///
/// Each token costs amortized time linear in its own bytes: the output is decoded once, and each
/// new scalar advances one `StopStringMatcher`.
public struct OutputText: Sendable {
    private var bytes: [UInt8] = []
    /// Bytes decoded into `scalars` (always at a complete UTF-8 boundary).
    private var decoded = 0
    private var scalars: [Unicode.Scalar] = []
    private var emitted = 0
    private var matcher: StopStringMatcher
    /// Scalars of the final text once a stop string matched.
    private var cut: Int?

    public init(stops: [String]) {
        matcher = StopStringMatcher(stops: stops)
    }

    /// Whether a stop string has ended the output.
    public var stopped: Bool { cut != nil }

    /// Adds one token's bytes; returns the text that may be streamed now ("" for none). After a
    /// stop string matched, the output is final and later calls return "".
    public mutating func append(_ piece: [UInt8]) -> String {
        guard cut == nil else { return "" }
        bytes.append(contentsOf: piece)
        let complete = Generator.completeUTF8Prefix(bytes)
        if complete > decoded {
            var earliest: Int?
            for scalar in String(decoding: bytes[decoded..<complete], as: UTF8.self).unicodeScalars {
                scalars.append(scalar)
                if let start = matcher.consume(scalar), start < (earliest ?? .max) { earliest = start }
            }
            decoded = complete
            if let earliest {
                cut = earliest
                return take(upTo: earliest)
            }
        }
        return take(upTo: scalars.count - matcher.heldBack)
    }

    /// Ends the output: returns what was not streamed yet (held-back text and an incomplete
    /// UTF-8 tail when no stop string matched; "" otherwise).
    public mutating func finish() -> String {
        guard cut == nil else { return "" }
        if decoded < bytes.count {
            scalars.append(contentsOf: String(decoding: bytes[decoded...], as: UTF8.self).unicodeScalars)
            decoded = bytes.count
        }
        return take(upTo: scalars.count)
    }

    /// The output: everything so far, or up to the stop string once one matched.
    public var text: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[..<(cut ?? scalars.count)])
        return String(view)
    }

    private mutating func take(upTo end: Int) -> String {
        guard end > emitted else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[emitted..<end])
        emitted = end
        return String(view)
    }
}

/// The stop-string handling the generator used before `OutputText`: after every token it
/// re-decoded the whole output, searched it for every stop string with Foundation's
/// `range(of:)` and compared the tail with every prefix of every stop string — cost per token
/// quadratic in the output and the stop strings' length, so a generation cubic. Kept only as the
/// reference that `greenmark bench` and the tests compare `OutputText` with.
public struct LegacyOutputText: Sendable {
    private var bytes: [UInt8] = []
    private var emitted = 0
    private let stops: [String]
    private var finalText: String?

    public init(stops: [String]) {
        self.stops = stops
    }

    public var stopped: Bool { finalText != nil }

    public mutating func append(_ piece: [UInt8]) -> String {
        guard finalText == nil else { return "" }
        bytes.append(contentsOf: piece)
        let text = String(decoding: bytes[0..<Generator.completeUTF8Prefix(bytes)], as: UTF8.self)
        if let cut = Self.firstStop(in: text, stops: stops) {
            let final = String(text[..<cut])
            finalText = final
            let scalars = Array(final.unicodeScalars)
            defer { emitted = scalars.count }
            return scalars.count > emitted ? String(String.UnicodeScalarView(scalars[emitted...])) : ""
        }
        let scalars = Array(text.unicodeScalars)
        let safe = scalars.count - Self.heldBack(text, stops: stops)
        guard safe > emitted else { return "" }
        defer { emitted = safe }
        return String(String.UnicodeScalarView(scalars[emitted..<safe]))
    }

    public mutating func finish() -> String {
        guard finalText == nil else { return "" }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count > emitted else { return "" }
        defer { emitted = scalars.count }
        return String(String.UnicodeScalarView(scalars[emitted...]))
    }

    public var text: String { finalText ?? String(decoding: bytes, as: UTF8.self) }

    /// Where the first stop string starts in `text`, if any.
    static func firstStop(in text: String, stops: [String]) -> String.Index? {
        stops.compactMap { text.range(of: $0)?.lowerBound }.min()
    }

    /// How many trailing unicode scalars of `text` could begin a stop string, and so are held back.
    static func heldBack(_ text: String, stops: [String]) -> Int {
        var held = 0
        let tail = Array(text.unicodeScalars.suffix(stops.map { $0.unicodeScalars.count }.max() ?? 0))
        for stop in stops {
            let s = Array(stop.unicodeScalars)
            for k in stride(from: min(s.count - 1, tail.count), through: 1, by: -1) where Array(tail.suffix(k)) == Array(s.prefix(k)) {
                held = max(held, k)
                break
            }
        }
        return held
    }
}
