import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

@testable import GreenmarkCertificates

/// gumbel-v1 detection attestations (`docs/certificate-format.md`, "gumbel-v1 attestations"):
/// issued from a detection over token ids scored with the real `GumbelPRF`, verified, encoded
/// exactly as `JWS.canonicalEncoder`, and rejected when a rule G1-G5 fails.
@Suite("gumbel-v1 attestations")
struct GumbelCertificateTests {
    let world = ConformanceWorld()

    /// S over T positions of `ids` under `key` as the detector scores them (each distinct (context, token) once).
    static func score(_ ids: [UInt32], key: WatermarkKey) throws -> (s: Double, t: Int) {
        let prf = try GumbelPRF(key: key.secret, contextWidth: key.scheme.contextWidth)
        var seen = Set<[UInt32]>()
        var s = 0.0
        for i in prf.contextWidth..<ids.count where seen.insert(Array(ids[(i - prf.contextWidth)...i])).inserted {
            s += GumbelPRF.score(prf.uniformBits(context: ids[(i - prf.contextWidth)..<i], token: ids[i]))
        }
        return (s, seen.count)
    }

    /// Token ids drawn the way the gumbel-v1 sampler draws them over a uniform distribution on
    /// `candidates` ids (argmax r_v), or uniformly at random without the key.
    static func ids(count: Int, key: WatermarkKey?, seed: UInt64) throws -> [UInt32] {
        var rng = SplitMix64(seed: seed)
        var ids: [UInt32] = [11, 22, 33, 44]
        let prf = try key.map { try GumbelPRF(key: $0.secret, contextWidth: 4) }
        while ids.count < count {
            let candidates = (0..<8).map { _ in UInt32.random(in: 0..<49_152, using: &rng) }
            guard let prf else {
                ids.append(candidates[0])
                continue
            }
            ids.append(candidates.max { prf.uniformBits(context: ids.suffix(4), token: $0) < prf.uniformBits(context: ids.suffix(4), token: $1) }!)
        }
        return ids
    }

    func verify(_ certificate: SignedCertificate) throws -> VerificationReport {
        let anchor = TrustAnchor(trustedRoot: try world.v1Gumbel.unverifiedBody())
        return CertificateVerifier(anchor: anchor).verify(
            certificate: try certificate.fileBytes(), text: Array(world.text.utf8), at: world.t0 + 86_400 * 2)
    }

    @Test("watermarked and plain token ids: the issued attestation carries T and S, verifies, and its verdict follows the exact tail")
    func roundTrip() throws {
        let key = world.gumbelKey
        let issuer = world.issuer(world.issuer1, endorsedFrom: world.t0)
        for (marked, seed) in [(true, UInt64(1)), (false, 2)] {
            let (s, t) = try Self.score(Self.ids(count: 204, key: marked ? key : nil, seed: seed), key: key)
            #expect(t == 200)
            let result = world.gumbelDetection(score: s, scored: t)
            #expect(result.verdict == (marked ? .watermarked : .noWatermark), "S = \(s) over \(t)")
            let certificate = try issuer.attestDetection(text: world.text, result: result, vocabulary: "vocab-test", at: world.t0 + 86_400)
            let report = try verify(certificate)
            #expect(report.status == .valid, "\(report.checks.map(\.detail))")
            guard case .detection(let d)? = report.statement?.predicate else {
                Issue.record("no detection statement")
                continue
            }
            #expect(d.score == String(format: "%.4f", s) && d.tokensScored == t && d.greenTokens == nil && d.zScore == nil)
            #expect(d.common.scheme == SignedScheme(.gumbel) && d.common.scheme?.gamma == "0" && d.common.scheme?.gammaThreshold == 0)
            let payload = try Base64URL.decode(certificate.payload)
            #expect(!String(decoding: payload, as: UTF8.self).contains("green_tokens"))
            #expect(try JSONDecoder().decode(Statement.self, from: Data(payload)).predicate == report.statement?.predicate)
        }
    }

    @Test("the direct writer equals JWS.canonicalEncoder for gumbel-v1 predicates")
    func canonical() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let s = { CanonicalJSONTests.randomString(&rng) }
            let predicate: [String: Any] = [
                "certificate_id": s(), "issued_at": s(), "issuer_key_id": s(), "text_canonicalization": s(), "watermark_key_id": s(),
                "scheme": ["prf": "gumbel-v1", "gamma": s(), "gamma_threshold": 0, "h": 4],
                "tokenizer": ["name": s(), "vocabulary": s()], "tokens_scored": Int.random(in: 0...1 << 40, using: &rng), "score": s(),
                "p_value": s(), "log10_p_value": s(), "min_tokens": 50, "keys_tried": 1, "verdict": s(),
                "search_spans": Bool.random(using: &rng), "p_threshold": s(), "green_tokens": 3, "z_score": s(),
            ]
            let object: [String: Any] = [
                "_type": s(), "predicateType": CertificateKind.detectionAttestation.predicateType, "predicate": predicate,
                "subject": [["name": s(), "digest": ["sha256": s()]]],
            ]
            let statement = try JSONDecoder().decode(Statement.self, from: JSONSerialization.data(withJSONObject: object))
            guard case .detection(let d) = statement.predicate else { throw Failure() }
            #expect(d.greenTokens == nil && d.score != nil, "green-list members of a gumbel-v1 predicate are ignored")
            #expect(statement.canonicalJSON() == (try CanonicalJSONTests.encoder(statement)))
        }
    }

    @Test("rules G1-G5: each broken field is named; green-list predicates keep rules 1-7")
    func rules() throws {
        let good = DetectionPredicate(
            common: common(), tokenizer: .init(name: "t", vocabulary: "v"), result: world.gumbelDetection(score: 260.3125, scored: 140))
        #expect(good.inconsistency(scheme: good.common.scheme) == nil)
        func broken(_ edit: (inout [String: Any]) -> Void) throws -> String? {
            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(good)) as! [String: Any]
            edit(&object)
            let p = try JSONDecoder().decode(DetectionPredicate.self, from: JSONSerialization.data(withJSONObject: object))
            return p.inconsistency(scheme: p.common.scheme)
        }
        #expect(try broken { $0["score"] = "250.0000" }?.contains("does not follow from score") == true)
        #expect(try broken { $0["verdict"] = "no_watermark" }?.contains("p_threshold") == true)
        #expect(try broken { $0["tokens_scored"] = 30 }?.contains("minimum") == true)
        #expect(try broken { $0["score"] = "-0.5000" }?.contains("fixed decimal form") == true)
        #expect(try broken { $0["score"] = "1e3" }?.contains("fixed decimal form") == true)
        #expect(try broken { $0["score"] = "6000.0000" }?.contains("38 per scored token") == true)
        #expect(try broken { $0["tokens_scored"] = 1 << 32 }?.contains("out of range") == true)
        #expect(try broken { $0["log10_p_value"] = "-16.5000" }?.contains("disagree") == true)
        #expect(
            try broken {
                $0["search_spans"] = true
                $0["score"] = "1.0000"
            } == nil, "with span search the p-value is not recomputed")
        // Without score, a gumbel-v1 predicate is not a statement at all.
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(good)) as! [String: Any]
        object["score"] = nil
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DetectionPredicate.self, from: JSONSerialization.data(withJSONObject: object))
        }
    }

    @Test("the exact tail at the largest T stated (2^32 - 1) matches the Python reference and stays finite in the far tail")
    func largestT() {
        let t = DetectionPredicate.maximumGumbelTokens
        // log10 Q(T, T) from python/greenmark_verify (Loader's Poisson pmf summed term by term): -0.30103175814367544.
        #expect(abs(GammaTail.pValue(score: Double(t), count: t).log10Probability - -0.30103175814367544) < 1e-9)
        let far = GammaTail.pValue(score: 1500, count: 200)
        #expect(far.probability == 0 && abs(far.log10Probability - -391.9336579516825) < 1e-9)
    }

    func common() -> CommonFields {
        try! JSONDecoder().decode(
            CommonFields.self,
            from: Data(
                #"{"certificate_id":"gmc-1","issued_at":"2026-01-02T00:00:00Z","issuer_key_id":"gik-1","text_canonicalization":"greenmark-text-v1","scheme":{"prf":"gumbel-v1","gamma":"0","gamma_threshold":0,"h":4}}"#
                    .utf8))
    }

    struct Failure: Error {}
}

extension SplitMix64: RandomNumberGenerator {}
