/// One pass over untrusted bytes that accepts exactly what `StrictJSON.object` accepted as three
/// passes (`followsProfile`, `JSONSerialization`, `hasDuplicateKeys`): RFC 8259 JSON under the
/// Greenmark profile (`docs/certificate-format.md`) — valid UTF-8, one object at top level, no
/// control byte other than JSON whitespace outside strings and none unescaped inside them, nesting
/// at most `StrictJSON.maximumDepth`, no `\u` escape leaving a lone surrogate, integers only
/// (`-?(0|[1-9][0-9]*)`, magnitude below 2^53) — and no object repeating a member name (compared
/// as Unicode scalars after unescaping, never under canonical equivalence).
struct StrictJSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    /// Decoded string bytes, reused between strings.
    private var scratch: [UInt8] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The document in `bytes`, or nil when it is not one JSON object under the profile.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        var parser = StrictJSONParser(bytes)
        parser.skipWhitespace()
        guard parser.peek == UInt8(ascii: "{"), let value = parser.value() else { return nil }
        parser.skipWhitespace()
        return parser.i == bytes.count ? value : nil
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            let b = bytes[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    private mutating func value() -> JSONValue? {
        guard let b = peek else { return nil }
        switch b {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return integer()
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
        let n = word.utf8CodeUnitCount
        guard bytes.count - i >= n else { return nil }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return nil }
        i += n
        return value
    }

    private mutating func object() -> JSONValue? {
        depth += 1
        guard depth <= StrictJSON.maximumDepth else { return nil }
        i += 1
        var members: [(name: String, value: JSONValue)] = []
        var seen: Set<[UInt8]>?
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(JSONObject(members: members))
        }
        while true {
            guard peek == UInt8(ascii: "\""), let name = string() else { return nil }
            // Repeated names, compared as UTF-8 (so as scalars): linear while small, hashed after.
            if seen == nil, members.count >= 8 { seen = Set(members.map { Array($0.name.utf8) }) }
            if seen != nil {
                guard seen!.insert(Array(name.utf8)).inserted else { return nil }
            } else if members.contains(where: { $0.name.utf8.elementsEqual(name.utf8) }) {
                return nil
            }
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { return nil }
            i += 1
            skipWhitespace()
            guard let value = value() else { return nil }
            members.append((name, value))
            skipWhitespace()
            guard let next = peek else { return nil }
            i += 1
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else { return nil }
            skipWhitespace()
        }
        depth -= 1
        return .object(JSONObject(members: members))
    }

    private mutating func array() -> JSONValue? {
        depth += 1
        guard depth <= StrictJSON.maximumDepth else { return nil }
        i += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            guard let value = value() else { return nil }
            elements.append(value)
            skipWhitespace()
            guard let next = peek else { return nil }
            i += 1
            if next == UInt8(ascii: "]") { break }
            guard next == UInt8(ascii: ",") else { return nil }
            skipWhitespace()
        }
        depth -= 1
        return .array(elements)
    }

    /// `-?(0|[1-9][0-9]*)` of at most 16 digits and below 2^53, not followed by a fraction or exponent.
    private mutating func integer() -> JSONValue? {
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let start = i
        var value = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            guard i - start < 16 else { return nil }
            value = value * 10 + Int(bytes[i] - 0x30)
            i += 1
        }
        let digits = i - start
        guard digits > 0, digits == 1 || bytes[start] != 0x30, value < 1 << 53 else { return nil }
        if let b = peek, b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") { return nil }
        return .integer(negative ? -value : value)
    }

    /// A string at `i` (the opening quote): its unescaped value; nil for invalid UTF-8, an unescaped
    /// control byte, an unknown escape or a `\u` escape that leaves a lone surrogate.
    private mutating func string() -> String? {
        i += 1
        var runStart = i
        // Fast path: no escapes.
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<i])
                i += 1
                return String(validating: run, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { return nil }
            i += 1
        }
        scratch.removeAll(keepingCapacity: true)
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<i])
                guard String(validating: run, as: UTF8.self) != nil else { return nil }
                scratch.append(contentsOf: run)
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return String(decoding: scratch, as: UTF8.self)
                }
                guard escape() else { return nil }
                runStart = i
                continue
            }
            if b < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    /// The escape at `i` (the backslash), appended to `scratch` as UTF-8.
    private mutating func escape() -> Bool {
        guard i + 1 < bytes.count else { return false }
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
            guard let unit = hex4() else { return false }
            var scalar = UInt32(unit)
            if (0xDC00...0xDFFF).contains(unit) { return false }
            if (0xD800...0xDBFF).contains(unit) {
                guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { return false }
                i += 2
                guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return false }
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            }
            guard let s = Unicode.Scalar(scalar) else { return false }
            scratch.append(contentsOf: UTF8.encode(s)!)
        default: return false
        }
        return true
    }

    /// Four hex digits at `i`.
    private mutating func hex4() -> UInt16? {
        guard bytes.count - i >= 4 else { return nil }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt16(d)
            i += 1
        }
        return v
    }
}
