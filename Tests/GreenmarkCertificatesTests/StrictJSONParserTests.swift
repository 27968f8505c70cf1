import Foundation
import GreenmarkCrypto
import Testing

@testable import GreenmarkCertificates

/// The one-pass parser (`StrictJSON.parse`) against the three scans it replaced: the profile scan,
/// `JSONSerialization` and the repeated-name scan must accept exactly the same documents and read
/// the same values; `JSONValueDecoder` must decode exactly what `JSONDecoder` decodes. Seeds are
/// every JSON document of the conformance suite (and the base64url JSON inside them), mutated.
@Suite("Strict JSON parser agrees with the scans it replaced")
struct StrictJSONParserTests {
    /// What `StrictJSON.object` was: profile, `JSONSerialization`, repeated names.
    static func oldObject(_ bytes: [UInt8]) -> [String: Any]? {
        guard StrictJSON.followsProfile(bytes), let o = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
            !StrictJSON.hasDuplicateKeys(bytes)
        else { return nil }
        return o
    }

    /// What `StrictJSON.decode` was: profile, `JSONDecoder`, repeated names.
    static func oldDecode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
        guard StrictJSON.followsProfile(bytes), let v = try? JSONDecoder().decode(type, from: Data(bytes)),
            !StrictJSON.hasDuplicateKeys(bytes)
        else { return nil }
        return v
    }

    static func canonical(_ object: Any) -> Data? {
        try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
    }

    static func encoded(_ value: some Encodable) -> Data? {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try? e.encode(value)
    }

    /// Every JSON document of the suite and the JSON inside its base64url strings.
    static func seeds() throws -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        var seen: Set<[UInt8]> = []
        for name in ConformanceTests.caseNames {
            let dir = ConformanceTests.root.appendingPathComponent(name)
            for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".json") && file != "expected.json" {
                let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(file)))
                if seen.insert(bytes).inserted { seeds.append(bytes) }
                for inner in strings(in: bytes).compactMap({ try? Base64URL.decode($0) }) where inner.first == UInt8(ascii: "{") {
                    if seen.insert(inner).inserted { seeds.append(inner) }
                }
            }
        }
        return seeds
    }

    static func strings(in bytes: [UInt8]) -> [String] {
        guard let any = try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed) else { return [] }
        var out: [String] = []
        func walk(_ v: Any) {
            if let s = v as? String { out.append(s) }
            if let a = v as? [Any] { a.forEach(walk) }
            if let d = v as? [String: Any] { d.values.forEach(walk) }
        }
        walk(any)
        return out
    }

    static let pieces: [[UInt8]] =
        [
            "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\u0061", "0", "1", "-", "-0", ".5",
            "e1", " ", "\t", "\n", "\r", "\u{0B}", "\u{00}", "\u{7F}", "é", "e\u{301}", "true", "null", "1.0", "01",
            "9007199254740992", "9007199254740991", "4294967296", "\"a\":1,", "\"\\u00e9\"", "[]", "{}", "/", "\\/",
        ]
        .map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF]]

    /// Member values swapped for these exercise the decoders' type rules.
    static let values = [
        "null", "true", "false", "0", "-0", "-1", "7", "4294967295", "4294967296", "9007199254740991", "\"x\"", "\"0.25\"",
        "[]", "{}", "[1]", "[\"x\"]", "{\"a\":\"b\"}", "{\"sha256\":\"ab\"}", "[{\"name\":\"text\",\"digest\":{\"sha256\":\"ab\"}}]",
    ]

    /// `value` with every U+FEFF removed from its strings and names (see `foundationLeniencies`).
    static func withoutBOMs(_ value: Any) -> Any {
        if let s = value as? String { return String(s.unicodeScalars.filter { $0 != "\u{FEFF}" }) }
        if let a = value as? [Any] { return a.map(withoutBOMs) }
        if let d = value as? [String: Any] {
            return Dictionary(d.map { (withoutBOMs($0.key) as! String, withoutBOMs($0.value)) }, uniquingKeysWith: { a, _ in a })
        }
        return value
    }

    /// `bytes` without commas before a closing bracket or brace (see `foundationLeniencies`).
    static func withoutTrailingCommas(_ bytes: [UInt8]) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        return Array(text.replacingOccurrences(of: #",([ \t\n\r]*[\]}])"#, with: "$1", options: .regularExpression).utf8)
    }

    static func check(_ bytes: [UInt8], _ mismatches: inout [String]) {
        let old = oldObject(bytes)
        let parsed = StrictJSON.parse(bytes)
        let new = parsed?.object?.dictionary
        if old != nil, new == nil, let fixed = StrictJSON.object(withoutTrailingCommas(bytes)),
            canonical(withoutBOMs(old!)) == canonical(withoutBOMs(fixed))
        {
            return  // a trailing comma, which JSONSerialization accepted
        }
        if (old == nil) != (new == nil) || (old != nil && canonical(withoutBOMs(old!)) != canonical(withoutBOMs(new!))) {
            mismatches.append("object: \(String(decoding: bytes, as: UTF8.self).debugDescription) old \(old != nil) new \(new != nil)")
            return
        }
        guard let parsed else { return }
        // Where the verifier decodes, the same bytes have passed `object` first.
        func same<T: Decodable & Encodable>(_ type: T.Type) {
            let a = oldDecode(type, bytes)
            let b = StrictJSON.decode(type, from: parsed)
            if (a == nil) != (b == nil) || (a != nil && encoded(a!) != encoded(b!)) {
                mismatches.append("\(type): \(String(decoding: bytes, as: UTF8.self).prefix(300)) old \(a != nil) new \(b != nil)")
            }
        }
        same(Statement.self)
        same(SignedCertificate.self)
        same(TrustedRoot.self)
        same(TrustedRoot.Body.self)
        same(Endorsement.Body.self)
        same(RootKeyFile.self)
        same(JWS.Header.self)
    }

    /// Where the parser and Foundation (swift-corelibs-foundation on Linux) part: Foundation accepts a
    /// trailing comma in an object or array and drops a U+FEFF at the start of a string or just after
    /// an escape (CoreFoundation takes it for a byte-order mark). RFC 8259, Python's `json` and the
    /// browser's `JSON.parse` do neither, so a Swift verifier read `{"alg":"<U+FEFF>EdDSA"}` as EdDSA
    /// where the other two verifiers saw another algorithm. The parser follows RFC 8259.
    @Test("Foundation's leniencies are gone: trailing commas are refused, U+FEFF in strings is kept")
    func foundationLeniencies() {
        #expect(Self.oldObject(Array(#"{"a":1,}"#.utf8)) != nil)
        #expect(StrictJSON.parse(Array(#"{"a":1,}"#.utf8)) == nil)
        #expect(StrictJSON.parse(Array(#"{"a":[1,]}"#.utf8)) == nil)
        let bom = Array("{\"alg\":\"\u{FEFF}EdDSA\"}".utf8)
        #expect(Self.oldObject(bom)?["alg"] as? String == "EdDSA")
        #expect(StrictJSON.object(bom)?["alg"] as? String == "\u{FEFF}EdDSA")
        #expect(StrictJSON.object(Array(#"{"a":"\ufeffx"}"#.utf8))?["a"] as? String == "\u{FEFF}x")
    }

    @Test("the same documents accepted, the same values read, on the suite's documents and 30 mutations of each")
    func agrees() throws {
        var rng = SystemRandomNumberGenerator()
        var mismatches: [String] = []
        let seeds = try Self.seeds()
        #expect(seeds.count > 100)
        for seed in seeds {
            Self.check(seed, &mismatches)
            for _ in 0..<30 {
                var m = seed
                let at = Int.random(in: 0...m.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: m.insert(contentsOf: Self.pieces.randomElement(using: &rng)!, at: at)
                case 1: if at < m.count { m.remove(at: at) }
                case 2:
                    let end = min(m.count, at + Int.random(in: 1...4, using: &rng))
                    if at < m.count { m.replaceSubrange(at..<end, with: Self.pieces.randomElement(using: &rng)!) }
                default:
                    let slice = m[at..<min(m.count, at + Int.random(in: 1...40, using: &rng))]
                    m.insert(contentsOf: slice, at: Int.random(in: 0...m.count, using: &rng))
                }
                Self.check(m, &mismatches)
            }
        }
        try? mismatches.joined(separator: "\n").write(toFile: "/tmp/strictjson-mismatches.txt", atomically: true, encoding: .utf8)
        #expect(mismatches.isEmpty, "\(mismatches.count) disagreements, first: \(mismatches.prefix(5))")
    }

    @Test("every member of every statement and trusted root, swapped for values of every JSON type or removed, decodes as JSONDecoder decodes it")
    func typeRules() throws {
        var mismatches: [String] = []
        var shapes: [Set<String>: Int] = [:]
        for seed in try Self.seeds() {
            // Two documents of each shape (top-level member names) keep this to seconds.
            guard let object = Self.oldObject(seed), shapes[Set(object.keys), default: 0] < 2 else { continue }
            shapes[Set(object.keys), default: 0] += 1
            var paths: [[String]] = []
            func walk(_ d: [String: Any], _ path: [String]) {
                for (k, v) in d {
                    paths.append(path + [k])
                    if let o = v as? [String: Any] { walk(o, path + [k]) }
                }
            }
            walk(object, [])
            for path in paths {
                for replacement in Self.values + [nil] {
                    func edit(_ d: [String: Any], _ p: ArraySlice<String>) -> [String: Any] {
                        var d = d
                        if p.count == 1 {
                            d[p.first!] = replacement.map { (try! JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed)) }
                        } else if let inner = d[p.first!] as? [String: Any] {
                            d[p.first!] = edit(inner, p.dropFirst())
                        }
                        return d
                    }
                    var text = String(decoding: Self.canonical(edit(object, path[...]))!, as: UTF8.self)
                    if replacement == "-0" { text = text.replacingOccurrences(of: ":0", with: ":-0") }
                    Self.check(Array(text.utf8), &mismatches)
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) disagreements, first: \(mismatches.prefix(5))")
    }
}
