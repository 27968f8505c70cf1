import Foundation
import Testing

@testable import GreenmarkCertificates

/// `CanonicalJSONWriter` and the statement and header writers must produce exactly the bytes of
/// `JWS.canonicalEncoder`, which they replace on the issuing path.
@Suite("Signed JSON written directly equals JSONEncoder's")
struct CanonicalJSONTests {
    static func encoder(_ value: some Encodable) throws -> [UInt8] { Array(try JWS.canonicalEncoder.encode(value)) }

    static let pieces = [
        "", "a", "\"", "\\", "/", "\u{0}", "\u{8}", "\t", "\n", "\u{B}", "\u{C}", "\r", "\u{1F}", "\u{7F}", "\u{80}", "é",
        "e\u{301}", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{FFFF}", "😀", "\u{10FFFF}", "gik-3fab5c6904b5aa2e", "0.25", "-1.2340", " ",
    ]

    static func randomString(_ rng: inout some RandomNumberGenerator) -> String {
        (0..<Int.random(in: 0..<5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    @Test("every code point below U+110000, in strings")
    func everyCodePoint() throws {
        var scalars = String.UnicodeScalarView()
        for v in UInt32(0)..<0x110000 {
            guard let s = Unicode.Scalar(v) else { continue }
            scalars.append(s)
            if scalars.count == 4096 || v == 0x10FFFF {
                var w = CanonicalJSONWriter()
                w.beginArray()
                w.string(String(scalars))
                w.endArray()
                #expect(w.bytes == (try Self.encoder([String(scalars)])), "block ending at U+\(String(v, radix: 16))")
                scalars = String.UnicodeScalarView()
            }
        }
    }

    @Test("protected headers")
    func headers() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let header = JWS.Header(kid: Self.randomString(&rng), typ: Self.randomString(&rng))
            #expect(header.canonicalJSON() == (try Self.encoder(header)))
        }
    }

    @Test("detection attestations and generation receipts, every optional member present or absent, any strings")
    func statements() throws {
        var rng = SystemRandomNumberGenerator()
        func s() -> Any { Self.randomString(&rng) }
        func n() -> Any { Int.random(in: -9_007_199_254_740_991...9_007_199_254_740_991, using: &rng) }
        func maybe(_ v: Any) -> Any? { Bool.random(using: &rng) ? v : nil }
        for round in 0..<4_000 {
            var predicate: [String: Any?] = [
                "certificate_id": s(), "issued_at": s(), "issuer_key_id": s(), "watermark_key_id": maybe(s()),
                "watermark_key_commitment": maybe(s()), "text_canonicalization": s(),
                "scheme": maybe(["prf": s(), "gamma": s(), "gamma_threshold": UInt32.random(in: 0...UInt32.max, using: &rng), "h": n()]),
            ]
            let detection = round % 2 == 0
            if detection {
                predicate.merge([
                    "tokenizer": ["name": s(), "vocabulary": s()], "tokens_scored": n(), "green_tokens": n(), "z_score": s(), "p_value": s(),
                    "log10_p_value": s(), "z_threshold": s(), "min_tokens": n(), "keys_tried": n(), "verdict": s(),
                    "search_spans": maybe(Bool.random(using: &rng)), "p_threshold": maybe(s()),
                ]) { a, _ in a }
            } else {
                predicate.merge([
                    "model": ["name": s(), "sha256": s()], "prompt_sha256": s(), "tokens": n(), "delta": s(),
                    "sampling": ["temperature": s(), "top_k": n(), "top_p": s(), "seed": maybe(s())].compactMapValues { $0 },
                    "finish_reason": s(), "generated_at": s(),
                ]) { a, _ in a }
            }
            let kind: CertificateKind = detection ? .detectionAttestation : .generationReceipt
            let object: [String: Any] = [
                "_type": s(), "predicateType": kind.predicateType, "predicate": predicate.compactMapValues { $0 },
                "subject": (0..<Int.random(in: 1...2, using: &rng)).map { _ in ["name": s(), "digest": ["sha256": s()]] },
            ]
            let statement = try JSONDecoder().decode(Statement.self, from: JSONSerialization.data(withJSONObject: object))
            #expect(statement.canonicalJSON() == (try Self.encoder(statement)))
        }
    }
}
