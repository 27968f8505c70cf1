import Foundation

/// Duplicate member names in untrusted JSON. RFC 8259 leaves their meaning to the parser, and
/// parsers disagree: Foundation's `JSONSerialization` keeps the last value, `JSONDecoder` the
/// first, JavaScript's `JSON.parse` and Python's `json` the last. A certificate, endorsement,
/// statement or trusted root with a repeated name could therefore mean one thing to one verifier
/// and another to the next (`{"alg":"none","alg":"EdDSA"}`), so verifiers reject them outright.
/// `certs/verify.html` and the Python reference (`python/`) apply the same rule.
enum StrictJSON {
    /// Whether some object in `bytes` repeats a member name (compared after unescaping, as Unicode
    /// scalars, never under canonical equivalence). Meant for input that already parsed as JSON;
    /// anything else is scanned on a best-effort basis.
    static func hasDuplicateKeys(_ bytes: [UInt8]) -> Bool {
        // One frame per open container: the names seen so far (nil for arrays) and whether the
        // next string is a member name.
        var names: [Set<[UInt8]>?] = []
        var expectingName = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "{"):
                names.append([])
                expectingName = true
            case UInt8(ascii: "["):
                names.append(nil)
                expectingName = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !names.isEmpty { names.removeLast() }
                expectingName = false
            case UInt8(ascii: ","):
                expectingName = names.last.map { $0 != nil } ?? false
            case UInt8(ascii: "\""):
                let start = i
                var escaped = false
                i += 1
                while i < bytes.count {
                    if bytes[i] == UInt8(ascii: "\\") {
                        escaped = true
                        i += 2
                        continue
                    }
                    if bytes[i] == UInt8(ascii: "\"") { break }
                    i += 1
                }
                if expectingName, let frame = names.last, var seen = frame {
                    let end = min(i, bytes.count - 1)
                    let name: [UInt8]
                    if escaped {
                        let token = Data(bytes[start...end])
                        guard let decoded = (try? JSONSerialization.jsonObject(with: token, options: .fragmentsAllowed)) as? String else {
                            return true
                        }
                        name = Array(decoded.utf8)
                    } else {
                        name = Array(bytes[(start + 1)..<max(start + 1, end)])
                    }
                    if !seen.insert(name).inserted { return true }
                    names[names.count - 1] = seen
                    expectingName = false
                }
            default:
                break
            }
            i += 1
        }
        return false
    }

    /// Deepest nesting of arrays and objects a Greenmark document may have.
    static let maximumDepth = 32

    /// Whether `bytes` follow the JSON profile of every Greenmark document
    /// (`docs/certificate-format.md`): valid UTF-8 starting (after JSON whitespace) with `{`, so no
    /// byte-order mark and no UTF-16/32; no byte below 0x20 other than tab, LF and CR; nesting at
    /// most 32 deep; no `\u` escape of a lone surrogate; and every number an integer
    /// (`-?(0|[1-9][0-9]*)`, no fraction or exponent) of magnitude below 2^53.
    static func followsProfile(_ bytes: [UInt8]) -> Bool {
        guard String(validating: bytes, as: UTF8.self) != nil,
            bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) == UInt8(ascii: "{")
        else { return false }
        var i = 0
        var inString = false
        var depth = 0
        /// The 16-bit value of the `\uXXXX` escape at `at` (the backslash), if there is one.
        func escapedUnit(at: Int) -> UInt16? {
            guard at + 5 < bytes.count, bytes[at + 1] == UInt8(ascii: "u"),
                let value = UInt16(String(decoding: bytes[(at + 2)..<(at + 6)], as: UTF8.self), radix: 16)
            else { return nil }
            return value
        }
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x20, b != 0x09, b != 0x0A, b != 0x0D { return false }
            if inString {
                if b == UInt8(ascii: "\\") {
                    if let unit = escapedUnit(at: i) {
                        if (0xDC00...0xDFFF).contains(unit) { return false }  // a low surrogate with no high one before it
                        if (0xD800...0xDBFF).contains(unit) {
                            guard let low = escapedUnit(at: i + 6), (0xDC00...0xDFFF).contains(low) else { return false }
                            i += 12
                            continue
                        }
                        i += 6
                        continue
                    }
                    i += 2
                    continue
                }
                if b == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            if b == UInt8(ascii: "\"") {
                inString = true
                i += 1
                continue
            }
            if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                depth += 1
                if depth > maximumDepth { return false }
            } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                depth -= 1
            }
            if b == UInt8(ascii: "-") || (0x30...0x39).contains(b) {
                var j = i
                if bytes[j] == UInt8(ascii: "-") { j += 1 }
                let digitsStart = j
                while j < bytes.count, (0x30...0x39).contains(bytes[j]) { j += 1 }
                let digits = j - digitsStart
                // A fraction, an exponent, a bare "-", a leading zero or 16+ digits (≥ 2^53 needs 16).
                if j < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[j]) { return false }
                if digits == 0 || (digits > 1 && bytes[digitsStart] == 0x30) || digits > 16 { return false }
                if digits == 16 {
                    var value: UInt64 = 0
                    for k in digitsStart..<j { value = value * 10 + UInt64(bytes[k] - 0x30) }
                    if value >= 1 << 53 { return false }
                }
                i = j
                continue
            }
            i += 1
        }
        return true
    }

    /// The document in untrusted bytes, parsed once (`StrictJSONParser`): nil when it is not one JSON
    /// object, breaks the JSON profile, or repeats a member name. `followsProfile` and
    /// `hasDuplicateKeys` state the same rules as separate scans (the tests hold the parser to them).
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { StrictJSONParser.parse($0) }
    }

    /// A JSON object from untrusted bytes, as `JSONSerialization` gives it: nil when it is not one,
    /// breaks the JSON profile, or repeats a member name.
    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        parse(bytes)?.object?.dictionary
    }

    /// `type` decoded from untrusted bytes as `JSONDecoder` decodes them: nil when they do not
    /// decode, break the JSON profile, or repeat a member name. Strict JSON is parsed once and
    /// decoded from the parsed value; anything else goes to `JSONDecoder` itself, which reads strings
    /// only where a type asks for them (an invalid escape in a member the type ignores passes) and
    /// accepts trailing commas. Callers that need the whole document to be JSON use `parse`.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) -> T? {
        if let value = parse(bytes) { return decode(type, from: value) }
        guard followsProfile(bytes), let value = try? JSONDecoder().decode(type, from: Data(bytes)), !hasDuplicateKeys(bytes) else { return nil }
        return value
    }

    /// `type` decoded from a parsed document, as `JSONDecoder` decodes it from the same bytes.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) -> T? {
        JSONValueDecoder.decode(type, from: value)
    }

    /// Whether `value` is a JSON object whose member names are exactly `names`.
    static func hasExactly(_ value: Any?, _ names: Set<String>) -> Bool {
        guard let object = value as? [String: Any] else { return false }
        return Set(object.keys) == names
    }

    /// Whether `value` is a JSON object with exactly the string members `names`.
    static func hasExactlyStrings(_ value: Any?, _ names: Set<String>) -> Bool {
        guard let object = value as? [String: Any], Set(object.keys) == names else { return false }
        return object.values.allSatisfy { $0 is String }
    }
}
