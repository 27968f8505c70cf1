import Foundation

/// Duplicate member names in untrusted JSON. RFC 8259 leaves their meaning to the parser, and
/// parsers disagree: Foundation's `JSONSerialization` keeps the last value, `JSONDecoder` the
/// first, JavaScript's `JSON.parse` and Python's `json` the last. A certificate, endorsement,
/// statement or trusted root with a repeated name could therefore mean one thing to one verifier
/// and another to the next (`{"alg":"none","alg":"EdDSA"}`), so verifiers reject them outright.
/// `certs/verify.html` and `docs/verify_certificate.py` apply the same rule.
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
                    if bytes[i] == UInt8(ascii: "\\") { escaped = true; i += 2; continue }
                    if bytes[i] == UInt8(ascii: "\"") { break }
                    i += 1
                }
                if expectingName, let frame = names.last, var seen = frame {
                    let end = min(i, bytes.count - 1)
                    let name: [UInt8]
                    if escaped {
                        let token = Data(bytes[start...end])
                        guard let decoded = (try? JSONSerialization.jsonObject(with: token, options: .fragmentsAllowed)) as? String else { return true }
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

    /// A JSON object from untrusted bytes: nil when it is not one, or repeats a member name.
    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any], !hasDuplicateKeys(bytes) else { return nil }
        return object
    }

    /// `type` decoded from untrusted bytes: nil when they do not decode, or repeat a member name.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) -> T? {
        guard let value = try? JSONDecoder().decode(type, from: Data(bytes)), !hasDuplicateKeys(bytes) else { return nil }
        return value
    }
}
