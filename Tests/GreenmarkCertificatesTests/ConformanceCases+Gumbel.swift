import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto

extension ConformanceWorld {
    /// The example gumbel-v1 watermark key (h 4).
    var gumbelKey: WatermarkKey { try! WatermarkKey(secret: Self.seed("watermark-gumbel-1"), scheme: .gumbel, state: .primary) }

    /// Trusted root version 1 listing the gumbel-v1 key beside the green-list one (its scheme has
    /// gamma "0" and gamma_threshold 0, the shape every verifier reads).
    var v1Gumbel: TrustedRoot {
        try! .sign(
            body(
                1, at: t0, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)],
                watermark: [(watermarkKey, "primary"), (gumbelKey, "enabled")]), with: [root1])
    }

    /// A gumbel-v1 detection result as the detector reports it: score S over T scored tokens, the
    /// exact Gamma tail Q(T, S) corrected for `keys` keys, the verdict by the rule (T ≥ 50, p ≤ p_threshold).
    func gumbelDetection(score: Double, scored: Int, keys: Int = 1, spans: Bool = false) -> DetectionResult {
        // Nothing scored: Q(0, 0) = 1 (the detector's convention; GammaTail needs T ≥ 1).
        let tail = scored == 0 ? BinomialTail.Value(probability: 1, log10Probability: 0) : GammaTail.pValue(score: score, count: scored)
        let p = min(1, tail.probability * Double(keys))
        let log10P = min(0, tail.log10Probability + log10(Double(keys)))
        let pThreshold = 3.167124183311986e-05
        let verdict: Verdict = scored < 50 ? .tooShort : p <= pThreshold ? .watermarked : .noWatermark
        return DetectionResult(
            zScore: (score - Double(scored)) / Double(scored).squareRoot(), pValue: p, log10PValue: log10P, tokensScored: scored, greenTokens: 0,
            tokensTotal: scored + 4, verdict: verdict, moreTokensNeeded: scored < 50 ? 50 - scored : nil, keyID: gumbelKey.id, keysTried: keys,
            scheme: .gumbel, zThreshold: 4, pThreshold: pThreshold, minimumScoredTokens: 50, normalized: false,
            tokenizer: "SmolLM2-135M-Instruct.Q4_1.gguf", mask: nil, spanSearch: spans, score: score)
    }

    /// Cases for gumbel-v1 attestations (`docs/certificate-format.md`, "gumbel-v1 attestations").
    func gumbelCases() -> [ConformanceCase] {
        let day: TimeInterval = 86_400
        let textBytes = Array(text.utf8)
        let i1 = issuer(issuer1, endorsedFrom: t0)
        let root1File = rootKeyFile(root1)
        let v1 = json(v1Gumbel)
        let header: [String: Any] = ["alg": "EdDSA", "kid": SigningKeyID.issuer(issuer1.publicKey), "typ": SignedCertificate.type]
        func attest(_ result: DetectionResult) -> SignedCertificate {
            try! i1.attestDetection(text: text, result: result, vocabulary: "vocab-8243a2e96c0b2b0d", at: t0 + day)
        }
        let good = attest(gumbelDetection(score: 260.3125, scored: 140))
        var c: [ConformanceCase] = []
        func add(_ name: String, _ why: String, certificate: [UInt8], code: String? = nil) {
            c.append(
                .init(
                    name: name, why: why, certificate: certificate, text: textBytes, trust: root1File, updates: [v1], valid: code == nil, code: code))
        }
        /// `base`'s predicate edited as JSON, re-signed by issuer-1.
        func edited(_ base: SignedCertificate = good, _ edit: (inout [String: Any]) -> Void) -> [UInt8] {
            var st = try! JSONSerialization.jsonObject(with: Data(payload(of: base))) as! [String: Any]
            var p = st["predicate"] as! [String: Any]
            edit(&p)
            st["predicate"] = p
            let bytes = Array(try! JSONSerialization.data(withJSONObject: st, options: [.sortedKeys, .withoutEscapingSlashes]))
            return json(raw(header: header, payload: bytes, key: issuer1, endorsement: base.header.endorsement))
        }
        func scheme(_ edit: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
            { p in
                var s = p["scheme"] as! [String: Any]
                edit(&s)
                p["scheme"] = s
            }
        }

        // ---- positive ----
        add(
            "valid-gumbel-attestation",
            "a gumbel-v1 attestation: score 260.3125 over 140 tokens, p = Q(140, 260.3125) recomputed, watermarked; the trusted root lists the gumbel-v1 key",
            certificate: json(good))
        add(
            "valid-gumbel-no-watermark", "a gumbel-v1 attestation, score 150.2500 over 140 tokens: p about 0.2, no_watermark",
            certificate: json(attest(gumbelDetection(score: 150.25, scored: 140))))
        add(
            "valid-gumbel-too-short", "a gumbel-v1 attestation over 30 tokens (min_tokens 50) with a high score: too_short",
            certificate: json(attest(gumbelDetection(score: 80.5, scored: 30))))
        add(
            "valid-gumbel-three-keys", "a gumbel-v1 attestation with keys_tried 3: log10 p is log10 Q(T, S) + log10 3",
            certificate: json(attest(gumbelDetection(score: 205.0, scored: 140, keys: 3))))
        add(
            "valid-gumbel-far-tail",
            "score 1500.0000 over 200 tokens: p underflows to 0.000e+00, log10_p_value about -391 from the tail in log space",
            certificate: json(attest(gumbelDetection(score: 1500, scored: 200))))
        add(
            "valid-gumbel-near-mean", "score 4000.0000 over 4000 tokens (p about 0.5): the tail near the mean, no_watermark",
            certificate: json(attest(gumbelDetection(score: 4000, scored: 4000))))
        add(
            "valid-gumbel-span-search",
            "a gumbel-v1 span-search attestation: p_value 1.000e-10 is the deciding window's (not recomputed), watermarked by the rule",
            certificate: edited {
                $0["search_spans"] = true
                $0["p_value"] = "1.000e-10"
                $0["log10_p_value"] = "-10.0000"
            })
        add(
            "valid-gumbel-no-watermark-at-threshold",
            "no_watermark with p_value equal to p_threshold as stated (3.167e-05, span search): both are rounded, the unrounded p may lie above",
            certificate: edited {
                $0["search_spans"] = true
                $0["p_value"] = "3.167e-05"
                $0["log10_p_value"] = "-4.4994"
                $0["verdict"] = "no_watermark"
            })
        add(
            "statement-gumbel-no-watermark-below-threshold",
            "no_watermark with p_value 3.166e-05 below p_threshold 3.167e-05 (span search: p not recomputed, the rule still applies)",
            certificate: edited {
                $0["search_spans"] = true
                $0["p_value"] = "3.166e-05"
                $0["log10_p_value"] = "-4.4995"
                $0["verdict"] = "no_watermark"
            }, code: "statement.inconsistent")
        add(
            "valid-gumbel-green-members-ignored",
            "a gumbel-v1 attestation that also carries green_tokens and z_score: members not listed are ignored",
            certificate: edited {
                $0["green_tokens"] = "many"
                $0["z_score"] = 12
            })

        add(
            "valid-gumbel-zero-tokens", "nothing scored: score 0.0000 over 0 tokens, p 1 (Q(0, 0) = 1), log10 0 with 3 keys (capped), too_short",
            certificate: json(attest(gumbelDetection(score: 0, scored: 0, keys: 3))))
        add(
            "valid-gumbel-score-at-bound", "score 5320.0000 over 140 tokens: exactly 38 per token, the bound of rule G2, with its own tail",
            certificate: json(attest(gumbelDetection(score: 5320, scored: 140))))
        add(
            "valid-gumbel-watermarked-at-threshold",
            "watermarked with p_value equal to p_threshold as stated (3.167e-05, span search): equal rounded values admit either verdict",
            certificate: edited {
                $0["search_spans"] = true
                $0["p_value"] = "3.167e-05"
                $0["log10_p_value"] = "-4.4994"
            })
        add(
            "valid-gumbel-h-64", "a gumbel-v1 scheme with h 64, the widest context", certificate: edited(good, scheme { $0["h"] = 64 }))

        // ---- negative ----
        add(
            "statement-gumbel-h-above-range", "scheme h 65: a gumbel-v1 context is 1 to 64 tokens (rule G2)",
            certificate: edited(good, scheme { $0["h"] = 65 }), code: "statement.inconsistent")
        add(
            "statement-gumbel-p-log10-disagree", "p_value 1.000e-10 beside log10_p_value -12.0000 (span search, so only rule G3 relates them)",
            certificate: edited {
                $0["search_spans"] = true
                $0["p_value"] = "1.000e-10"
                $0["log10_p_value"] = "-12.0000"
            }, code: "statement.inconsistent")
        add(
            "statement-gumbel-zero-tokens-positive-score", "score 0.0001 over 0 tokens: rule G2 bounds S by 38 T, so T = 0 needs S = 0",
            certificate: edited(attest(gumbelDetection(score: 0, scored: 0))) { $0["score"] = "0.0001" }, code: "statement.inconsistent")
        add(
            "statement-gumbel-keys-tried-zero", "keys_tried 0 (rule G1: k ≥ 1)", certificate: edited { $0["keys_tried"] = 0 },
            code: "statement.inconsistent")
        add(
            "statement-gumbel-score-inconsistent", "score 250.0000 beside the p-value of 260.3125 over 140 tokens",
            certificate: edited { $0["score"] = "250.0000" }, code: "statement.inconsistent")
        add(
            "statement-gumbel-p-inconsistent",
            "p_value 1.000e-12 and log10_p_value -12.0000 (agreeing with each other) where Q(140, 260.3125) is far smaller",
            certificate: edited {
                $0["p_value"] = "1.000e-12"
                $0["log10_p_value"] = "-12.0000"
            }, code: "statement.inconsistent")
        add(
            "statement-gumbel-verdict-contradicts", "verdict no_watermark with p below p_threshold over 140 tokens",
            certificate: edited { $0["verdict"] = "no_watermark" }, code: "statement.inconsistent")
        add(
            "statement-gumbel-watermarked-above-threshold", "verdict watermarked for score 150.2500 over 140 tokens (p about 0.2)",
            certificate: edited(attest(gumbelDetection(score: 150.25, scored: 140))) { $0["verdict"] = "watermarked" }, code: "statement.inconsistent"
        )
        add(
            "statement-gumbel-too-short-watermarked", "verdict watermarked over 30 tokens with min_tokens 50, whatever the p-value",
            certificate: edited(attest(gumbelDetection(score: 80.5, scored: 30))) { $0["verdict"] = "watermarked" }, code: "statement.inconsistent")
        add(
            "statement-gumbel-h-out-of-range", "scheme h 0: a gumbel-v1 context is 1 to 64 tokens (rule G2)",
            certificate: edited {
                var scheme = $0["scheme"] as! [String: Any]
                scheme["h"] = 0
                $0["scheme"] = scheme
            }, code: "statement.inconsistent")
        add(
            "statement-gumbel-score-negative", "score -1.0000", certificate: edited { $0["score"] = "-1.0000" }, code: "statement.inconsistent")
        add(
            "statement-gumbel-score-not-fixed-form", "score written with two decimals", certificate: edited { $0["score"] = "260.31" },
            code: "statement.inconsistent")
        add(
            "statement-gumbel-score-above-bound", "score 5321.0000 over 140 tokens: above 38 per token (at most 54 ln 2 each)",
            certificate: edited {
                $0["score"] = "5321.0000"
                $0["search_spans"] = true
            }, code: "statement.inconsistent")
        add(
            "statement-gumbel-tokens-above-limit", "tokens_scored 4294967296 (2^32), above the limit 2^32 − 1",
            certificate: edited {
                $0["tokens_scored"] = 4_294_967_296
                $0["search_spans"] = true
            }, code: "statement.inconsistent")
        add(
            "statement-gumbel-gamma-nonzero", "a gumbel-v1 scheme with gamma 0.25 and its threshold: gumbel-v1 has no green list",
            certificate: edited(
                good,
                scheme {
                    $0["gamma"] = "0.25"
                    $0["gamma_threshold"] = 1_073_741_824
                }), code: "statement.inconsistent")
        add(
            "statement-gumbel-far-tail-log10-wrong", "score 1500.0000 over 200 tokens with log10_p_value -350.0000 (the tail is about -391)",
            certificate: edited(attest(gumbelDetection(score: 1500, scored: 200))) { $0["log10_p_value"] = "-350.0000" },
            code: "statement.inconsistent")
        add(
            "statement-gumbel-score-missing", "a gumbel-v1 attestation without score", certificate: edited { $0["score"] = nil },
            code: "statement.invalid")
        add(
            "statement-gumbel-score-as-number", "score as a JSON integer (260) instead of a decimal string",
            certificate: edited { $0["score"] = 260 },
            code: "statement.invalid")
        add(
            "statement-gumbel-search-spans-missing", "a gumbel-v1 attestation without search_spans (required for gumbel-v1)",
            certificate: edited { $0["search_spans"] = nil }, code: "statement.invalid")
        add(
            "statement-gumbel-p-threshold-missing", "a gumbel-v1 attestation without p_threshold (required for gumbel-v1)",
            certificate: edited { $0["p_threshold"] = nil }, code: "statement.invalid")
        add(
            "statement-gumbel-green-fields-only", "a gumbel-v1 scheme over green-list fields (green_tokens, z_score, z_threshold, no score)",
            certificate: edited(self.attest(i1, at: t0 + day), scheme { $0["prf"] = "gumbel-v1" }), code: "statement.invalid")
        return c
    }
}
