import HTTPTypes

/// The body of `POST /v1/certificates/verify`, read without re-encoding anything (#17): the
/// certificate is verified as the exact bytes the caller sent, so the route and `greenmark verify`
/// agree on every file (a repeated `payload` member, an extra member, a number in another form
/// are all `format.invalid` in both). Decoding it into a struct and encoding it again, as before,
/// silently dropped what the verifier must see.
///
/// `certificate` is either a JSON string holding the certificate file's exact text (its UTF-8
/// bytes are verified), or the certificate's JSON object, whose exact byte span in the request
/// body (from `{` to the matching `}`) is verified. `text` is the text the certificate is about.
/// The request body itself is checked strictly: valid UTF-8 JSON, one object, no member name
/// repeated in any object outside the certificate (a repeated `certificate` or `text` could mean
/// different things to different parsers), nesting at most 64 deep. Other members are ignored.
struct VerifyRequest {
    /// The certificate's bytes, exactly as sent.
    let certificate: [UInt8]
    /// The text, decoded from its JSON string.
    let text: String

    /// Deepest nesting accepted in the request body.
    static let maximumDepth = 64

    static func parse(_ bytes: [UInt8]) throws(APIError) -> VerifyRequest {
        func invalid(_ why: String) -> APIError { APIError(.badRequest, code: .invalidJSON, "the request body \(why)") }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw invalid("is not UTF-8") }
        var scanner = JSONScanner(bytes: bytes)
        let members: [String: Range<Int>]
        do {
            members = try scanner.topLevelObject(opaque: "certificate")
        } catch {
            switch error {
            case .duplicate(let name):
                throw APIError(
                    .badRequest, code: .duplicateMember,
                    "the request body repeats the member \(String(name.debugDescription.prefix(80))); each name may appear once")
            case .syntax(let why): throw invalid(why)
            }
        }
        guard let certificateSpan = members["certificate"] else { throw invalid("does not match the schema: missing field certificate") }
        guard let textSpan = members["text"] else { throw invalid("does not match the schema: missing field text") }
        guard bytes[textSpan.lowerBound] == UInt8(ascii: "\"") else { throw invalid("does not match the schema: text must be a string") }
        var textScanner = JSONScanner(bytes: Array(bytes[textSpan]))
        guard let text = try? textScanner.string() else {
            throw invalid("does not match the schema: text must be a string of Unicode text (no lone surrogate)")
        }
        let certificate: [UInt8]
        switch bytes[certificateSpan.lowerBound] {
        case UInt8(ascii: "{"):
            certificate = Array(bytes[certificateSpan])
        case UInt8(ascii: "\""):
            var certificateScanner = JSONScanner(bytes: Array(bytes[certificateSpan]))
            guard let fileText = try? certificateScanner.string() else {
                throw invalid("does not match the schema: certificate must be the certificate file's text (no lone surrogate)")
            }
            certificate = Array(fileText.utf8)
        default:
            throw invalid("does not match the schema: certificate must be the certificate file's text (a JSON string) or its JSON object")
        }
        return VerifyRequest(certificate: certificate, text: text)
    }
}

/// A strict RFC 8259 reader over bytes that are valid UTF-8: it validates, finds the byte span
/// of each top-level member's value, decodes strings, and refuses repeated member names
/// (compared after unescaping).
struct JSONScanner {
    enum Failure: Error {
        case syntax(String)
        case duplicate(String)
    }

    let bytes: [UInt8]
    var i = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The spans of the members of the one top-level object, by name. Names are checked for
    /// repeats in every object except inside the value of the member named `opaque`.
    mutating func topLevelObject(opaque: String) throws(Failure) -> [String: Range<Int>] {
        skipWhitespace()
        guard peek == UInt8(ascii: "{") else { throw .syntax("is not a JSON object") }
        i += 1
        var members: [String: Range<Int>] = [:]
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw .syntax("is not valid JSON (a member name must be a string)") }
                let name = try string()
                guard members[name] == nil else { throw .duplicate(name) }
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { throw .syntax("is not valid JSON (expected :)") }
                i += 1
                skipWhitespace()
                let start = i
                try value(depth: 1, checkNames: name != opaque)
                members[name] = start..<i
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard peek == UInt8(ascii: "}") else { throw .syntax("is not valid JSON (expected , or })") }
                i += 1
                break
            }
        }
        skipWhitespace()
        guard i == bytes.count else { throw .syntax("is not valid JSON (text after the object)") }
        return members
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipWhitespace() {
        while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1 }
    }

    /// Validates one value starting at `i` and moves past it.
    private mutating func value(depth: Int, checkNames: Bool) throws(Failure) {
        guard depth <= VerifyRequest.maximumDepth else { throw .syntax("nests deeper than \(VerifyRequest.maximumDepth) levels") }
        guard let b = peek else { throw .syntax("is not valid JSON (a value is missing)") }
        switch b {
        case UInt8(ascii: "{"):
            i += 1
            var names = Set<String>()
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                i += 1
                return
            }
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw .syntax("is not valid JSON (a member name must be a string)") }
                let name = try string()
                if checkNames, !names.insert(name).inserted { throw .duplicate(name) }
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { throw .syntax("is not valid JSON (expected :)") }
                i += 1
                skipWhitespace()
                try value(depth: depth + 1, checkNames: checkNames)
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard peek == UInt8(ascii: "}") else { throw .syntax("is not valid JSON (expected , or })") }
                i += 1
                return
            }
        case UInt8(ascii: "["):
            i += 1
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                i += 1
                return
            }
            while true {
                skipWhitespace()
                try value(depth: depth + 1, checkNames: checkNames)
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard peek == UInt8(ascii: "]") else { throw .syntax("is not valid JSON (expected , or ])") }
                i += 1
                return
            }
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let w = Array(word.utf8)
        guard bytes.count - i >= w.count, Array(bytes[i..<(i + w.count)]) == w else { throw .syntax("is not valid JSON") }
        i += w.count
    }

    private mutating func number() throws(Failure) {
        func digits() -> Int {
            let start = i
            while let b = peek, b >= 0x30 && b <= 0x39 { i += 1 }
            return i - start
        }
        if peek == UInt8(ascii: "-") { i += 1 }
        if peek == UInt8(ascii: "0") { i += 1 } else { guard digits() > 0 else { throw .syntax("is not valid JSON") } }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw .syntax("is not valid JSON (a bad number)") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw .syntax("is not valid JSON (a bad number)") }
        }
    }

    /// Decodes the JSON string at `i` (escapes resolved; a lone surrogate escape is refused).
    mutating func string() throws(Failure) -> String {
        guard peek == UInt8(ascii: "\"") else { throw .syntax("is not valid JSON (expected a string)") }
        i += 1
        var out: [UInt8] = []
        func hex4() throws(Failure) -> UInt32 {
            guard bytes.count - i >= 4, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
                throw .syntax("is not valid JSON (a bad \\u escape)")
            }
            i += 4
            return v
        }
        while true {
            guard let b = peek else { throw .syntax("is not valid JSON (an unterminated string)") }
            i += 1
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case 0x00..<0x20:
                throw .syntax("is not valid JSON (a control character in a string)")
            case UInt8(ascii: "\\"):
                guard let e = peek else { throw .syntax("is not valid JSON (an unterminated string)") }
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard bytes.count - i >= 6, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw .syntax("holds a lone surrogate escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw .syntax("holds a lone surrogate escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw .syntax("holds a lone surrogate escape")
                    }
                    out += Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
                default:
                    throw .syntax("is not valid JSON (a bad escape)")
                }
            default:
                out.append(b)
            }
        }
    }
}
