/// One pass over untrusted bytes that accepts exactly what `StrictJSON.object` accepted as three
/// passes (`followsProfile`, `JSONSerialization`, `hasDuplicateKeys`): RFC 8259 JSON under the
/// Greenmark profile (`docs/certificate-format.md`) — valid UTF-8, one object at top level, no
/// control byte other than JSON whitespace outside strings and none unescaped inside them, nesting
/// at most `StrictJSON.maximumDepth`, no `\u` escape leaving a lone surrogate, integers only
/// (`-?(0|[1-9][0-9]*)`, magnitude below 2^53) — and no object repeating a member name (compared
/// as Unicode scalars after unescaping, never under canonical equivalence).
///
/// `Rules` relax the profile for request bodies that carry a certificate (`JSONTopLevel`): any
/// RFC 8259 number, a deeper nesting limit, and one top-level member left opaque (its names are
/// not checked for repeats: the certificate verifier judges those bytes itself).
struct StrictJSONParser {
    /// What a document may hold beyond the profile.
    struct Rules {
        /// The Greenmark profile itself.
        static let profile = Rules(anyNumber: false, maximumDepth: StrictJSON.maximumDepth, opaqueMember: nil)
        /// Any RFC 8259 number (fraction, exponent, any magnitude) as `JSONValue.number`.
        var anyNumber: Bool
        /// Deepest nesting of objects and arrays; the top-level object is depth 1.
        var maximumDepth: Int
        /// A top-level member whose value may repeat member names.
        var opaqueMember: String?
    }

    /// Why bytes are not a document: a syntax or profile failure, or a repeated member name.
    enum Failure: Error, Equatable {
        case syntax(String)
        case duplicate(String)
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let rules: Rules
    private var i = 0
    private var depth = 0
    /// Decoded string bytes, reused between strings.
    private var scratch: [UInt8] = []
    /// With an opaque member: the byte span of each top-level member's value.
    private(set) var spans: [String: Range<Int>] = [:]

    private init(_ bytes: UnsafeBufferPointer<UInt8>, rules: Rules) {
        self.bytes = bytes
        self.rules = rules
    }

    /// The document in `bytes`, or nil when it is not one JSON object under the profile.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        try? parse(bytes, rules: .profile).value
    }

    /// The one object in `bytes` under `rules`, with the spans of its members' values when
    /// `rules` names an opaque member.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, rules: Rules) throws(Failure) -> (value: JSONValue, spans: [String: Range<Int>]) {
        var parser = StrictJSONParser(bytes, rules: rules)
        parser.skipWhitespace()
        guard parser.peek == UInt8(ascii: "{") else { throw .syntax("is not a JSON object") }
        let value = try parser.value(checkNames: true)
        parser.skipWhitespace()
        guard parser.i == bytes.count else { throw .syntax("is not valid JSON (text after the object)") }
        return (value, parser.spans)
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            let b = bytes[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    private func invalid(_ what: String) -> Failure { .syntax("is not valid JSON (\(what) at byte \(i))") }

    private mutating func value(checkNames: Bool) throws(Failure) -> JSONValue {
        guard let b = peek else { throw invalid("a value is missing") }
        switch b {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            guard depth <= rules.maximumDepth else { throw .syntax("nests deeper than \(rules.maximumDepth) levels") }
            i += 1
            skipWhitespace()
            let value = try b == UInt8(ascii: "{") ? object(checkNames: checkNames) : array(checkNames: checkNames)
            depth -= 1
            return value
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try rules.anyNumber ? number() : integer()
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(Failure) -> JSONValue {
        let n = word.utf8CodeUnitCount
        guard bytes.count - i >= n else { throw invalid("an unknown literal") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw invalid("an unknown literal") }
        i += n
        return value
    }

    /// What follows a member or an element: true past a `,` (and the whitespace after it), false
    /// past `closing`; anything else fails.
    private mutating func separator(closing: UInt8) throws(Failure) -> Bool {
        skipWhitespace()
        guard let next = peek else { throw invalid("an unterminated object or array") }
        i += 1
        if next == closing { return false }
        guard next == UInt8(ascii: ",") else { throw invalid("expected , or \(Character(Unicode.Scalar(closing)))") }
        skipWhitespace()
        return true
    }

    private mutating func object(checkNames: Bool) throws(Failure) -> JSONValue {
        var members: [(name: String, value: JSONValue)] = []
        if peek == UInt8(ascii: "}") {
            i += 1
            return .object(JSONObject(members: members))
        }
        let topLevel = depth == 1 && rules.opaqueMember != nil
        var seen: Set<[UInt8]>?
        repeat {
            guard peek == UInt8(ascii: "\"") else { throw invalid("a member name must be a string") }
            let name = try string()
            // Repeated names, compared as UTF-8 (so as scalars): linear while small, hashed after.
            if checkNames {
                if seen == nil, members.count >= 8 { seen = Set(members.map { Array($0.name.utf8) }) }
                if seen != nil {
                    guard seen!.insert(Array(name.utf8)).inserted else { throw .duplicate(name) }
                } else if members.contains(where: { $0.name.utf8.elementsEqual(name.utf8) }) {
                    throw .duplicate(name)
                }
            }
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw invalid("expected :") }
            i += 1
            skipWhitespace()
            let start = i
            let value = try value(checkNames: checkNames && !(topLevel && name == rules.opaqueMember))
            if topLevel { spans[name] = start..<i }
            members.append((name, value))
        } while try separator(closing: UInt8(ascii: "}"))
        return .object(JSONObject(members: members))
    }

    private mutating func array(checkNames: Bool) throws(Failure) -> JSONValue {
        var elements: [JSONValue] = []
        if peek == UInt8(ascii: "]") {
            i += 1
            return .array(elements)
        }
        repeat {
            elements.append(try value(checkNames: checkNames))
        } while try separator(closing: UInt8(ascii: "]"))
        return .array(elements)
    }

    /// `-?(0|[1-9][0-9]*)` of at most 16 digits and below 2^53, not followed by a fraction or exponent.
    private mutating func integer() throws(Failure) -> JSONValue {
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let start = i
        var value = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            guard i - start < 16 else { throw .syntax("holds a number outside the JSON profile (integers below 2^53)") }
            value = value * 10 + Int(bytes[i] - 0x30)
            i += 1
        }
        let digits = i - start
        guard digits > 0 else { throw invalid("an unexpected character") }
        guard digits == 1 || bytes[start] != 0x30 else { throw invalid("a number with a leading zero") }
        guard value < 1 << 53 else { throw .syntax("holds a number outside the JSON profile (integers below 2^53)") }
        if let b = peek, b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
            throw .syntax("holds a number outside the JSON profile (integers only)")
        }
        return .integer(negative ? -value : value)
    }

    /// Any RFC 8259 number, kept as its text (`Rules.anyNumber`).
    private mutating func number() throws(Failure) -> JSONValue {
        let start = i
        func digits() -> Int {
            let first = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - first
        }
        if peek == UInt8(ascii: "-") { i += 1 }
        if peek == UInt8(ascii: "0") {
            i += 1
        } else {
            guard digits() > 0 else { throw invalid("an unexpected character") }
        }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw invalid("a bad number") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw invalid("a bad number") }
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
    }

    /// A string at `i` (the opening quote): its unescaped value; invalid UTF-8, an unescaped
    /// control byte, an unknown escape or a `\u` escape that leaves a lone surrogate fail.
    private mutating func string() throws(Failure) -> String {
        i += 1
        var runStart = i
        // Fast path: no escapes.
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<i])
                i += 1
                guard let s = String(validating: run, as: UTF8.self) else { throw .syntax("is not UTF-8") }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw invalid("a control character in a string") }
            i += 1
        }
        scratch.removeAll(keepingCapacity: true)
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<i])
                guard String(validating: run, as: UTF8.self) != nil else { throw .syntax("is not UTF-8") }
                scratch.append(contentsOf: run)
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return String(decoding: scratch, as: UTF8.self)
                }
                try escape()
                runStart = i
                continue
            }
            if b < 0x20 { throw invalid("a control character in a string") }
            i += 1
        }
        throw invalid("an unterminated string")
    }

    /// The escape at `i` (the backslash), appended to `scratch` as UTF-8.
    private mutating func escape() throws(Failure) {
        guard i + 1 < bytes.count else { throw invalid("an unterminated string") }
        let e = bytes[i + 1]
        i += 2
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hex4()
            var scalar = UInt32(unit)
            if (0xDC00...0xDFFF).contains(unit) { throw .syntax("holds a lone surrogate escape") }
            if (0xD800...0xDBFF).contains(unit) {
                guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                    throw .syntax("holds a lone surrogate escape")
                }
                i += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw .syntax("holds a lone surrogate escape") }
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            }
            scratch.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
        default: throw invalid("a bad escape")
        }
    }

    /// Four hex digits at `i`.
    private mutating func hex4() throws(Failure) -> UInt16 {
        guard bytes.count - i >= 4 else { throw invalid("a bad \\u escape") }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw invalid("a bad \\u escape")
            }
            v = v << 4 | UInt16(d)
            i += 1
        }
        return v
    }
}
