import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkTransparency

/// One bundle case of the conformance suite (`Fixtures/conformance/bundles/NAME/`): `bundle.json`,
/// `trust.json` (the verifier's pin), optionally `text.txt` (a text the verifier supplies) and
/// `log-key.json` (the log key the verifier pins), and `expected.json`.
struct BundleConformanceCase {
    let name: String
    let why: String
    let bundle: [UInt8]
    let trust: [UInt8]
    var text: [UInt8]? = nil
    var logKey: [UInt8]? = nil
    let valid: Bool
    var code: String? = nil
    var at: Date? = nil

    /// The checks a conforming verifier reports (`docs/certificate-format.md`, "Verifying a bundle").
    var expectedChecks: [String] {
        let certificate = ConformanceWorld.expectedChecks(failing: nil)
        let log = logKey == nil ? [] : ["log.checkpoint.valid", "log.inclusion.valid"]
        guard let code else { return ["bundle.valid"] + certificate + log }
        switch code {
        case "bundle.too_large", "bundle.invalid", "bundle.media_type_unsupported": return [code]
        case "bundle.text_missing", "text.digest.mismatch": return ["bundle.valid"] + certificate.dropLast() + [code]
        case "bundle.log_missing", "log.key.invalid", "log.evidence.invalid", "log.checkpoint.invalid": return ["bundle.valid"] + certificate + [code]
        case "log.inclusion.invalid": return ["bundle.valid"] + certificate + ["log.checkpoint.valid", code]
        default: return ["bundle.valid"] + ConformanceWorld.expectedChecks(failing: code)
        }
    }
}

extension ConformanceWorld {
    /// The example transparency log's key (EXAMPLE KEY) and its `/v1/log/key` JSON.
    var logKey: Ed25519PrivateKey { Self.key("log-1") }
    var logOrigin: String { "greenmark/log/" + Hex.encode(SHA256Digest.hash(logKey.publicKey.rawRepresentation)).prefix(16) }
    func logKeyFile(_ key: Ed25519PrivateKey? = nil, origin: String? = nil) -> [UInt8] {
        let k = key ?? logKey
        return json(["origin": origin ?? logOrigin, "public_key": Data(k.publicKey.rawRepresentation).base64EncodedString()])
    }

    /// Inclusion evidence (the JSON of `/v1/log/proof/{id}`) for `certificate` as leaf 3 of a
    /// 6-leaf log, the checkpoint signed by `signer` (default: the log key); `claimIndex` lies about the leaf.
    func logProof(_ certificate: [UInt8], signer: Ed25519PrivateKey? = nil, claimIndex: Int = 3) -> [UInt8] {
        var tree = MerkleTree()
        for i in 0..<6 {
            _ = i == 3 ? tree.append(leafHash: LogLeaf.hash(certificate: certificate)) : tree.append(Array("example leaf \(i)".utf8))
        }
        let note = try! Checkpoint(origin: logOrigin, size: 6, root: tree.root()).signed(name: logOrigin, key: signer ?? logKey)
        let proof = try! tree.inclusionProof(index: 3).map(Hex.encode)
        let object: [String: Any] = [
            "leaf_index": claimIndex, "tree_size": 6, "proof": proof, "checkpoint": note,
            "leaf_hash": Hex.encode(LogLeaf.hash(certificate: certificate)),
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]))
    }

    /// A bundle file from members given as JSON values (for bundles the encoder would not write).
    func rawBundle(_ members: [String: Any]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: members, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) + [0x0a]
    }

    /// Every bundle case, positive and negative.
    func bundleCases() -> [BundleConformanceCase] {
        let day: TimeInterval = 86_400
        let i1 = issuer(issuer1, endorsedFrom: t0)
        let i2 = issuer(issuer2, endorsedFrom: t1)
        let i3new = issuer(issuer3, endorsedFrom: t2, by: root2)
        let cert = json(attest(i1, at: t0 + day))
        let s = { (bytes: [UInt8]) in String(decoding: bytes, as: UTF8.self) }
        let v1 = json(self.v1)
        let v2 = json(self.v2)
        let v3 = json(self.v3)
        let v4 = json(self.v4)
        let root1File = rootKeyFile(root1)
        let media = BundleDocument.mediaType
        func bundle(
            _ certificate: [UInt8] = cert, text: String? = nil, digest: String? = nil, roots: [[UInt8]]? = nil,
            log: [UInt8]? = nil
        ) -> [UInt8] {
            let t: BundleDocument.Text = digest.map { .digest($0) } ?? .text(text ?? self.text)
            return try! BundleDocument(certificate: certificate, text: t, trustedRoots: roots ?? [v1], logProof: log).fileBytes()
        }
        let base: [String: Any] = ["media_type": media, "certificate": s(cert), "text": text, "trusted_roots": [s(v1)]]
        func with(_ changes: [String: Any?]) -> [UInt8] {
            var m = base
            for (k, v) in changes { m[k] = v }
            return rawBundle(m)
        }
        let digest = CanonicalText.sha256(of: text)
        let logged = bundle(log: logProof(cert))
        var c: [BundleConformanceCase] = []

        // ---- positive ----
        c.append(
            .init(
                name: "bundle-valid-root-key",
                why: "a bundle with the certificate, the text and trusted root v1, verified with only root-1's public key pinned",
                bundle: bundle(), trust: root1File, valid: true))
        c.append(
            .init(
                name: "bundle-valid-trusted-root-pin", why: "trusted root v1 pinned; the bundle carries no trusted roots",
                bundle: bundle(roots: []), trust: v1, valid: true))
        c.append(
            .init(
                name: "bundle-valid-chain-v1-to-v4",
                why: "root-1 pinned; the bundle carries v4, v2, v1, v3 (any order), reaching the root rotation; a certificate by "
                    + "issuer-3 endorsed by root-2",
                bundle: bundle(json(attest(i3new, at: t3 + day)), roots: [v4, v2, v1, v3]), trust: root1File, valid: true))
        c.append(
            .init(
                name: "bundle-valid-generation-receipt", why: "a generation receipt as a bundle",
                bundle: bundle(json(receipt(i1, at: t0 + 2 * day))), trust: root1File, valid: true))
        c.append(
            .init(
                name: "bundle-valid-digest-and-text",
                why: "a bundle holding only the text's canonical digest, with the text supplied by the verifier (CRLFs and all)",
                bundle: bundle(digest: digest), trust: root1File, text: Array(text.utf8), valid: true))
        c.append(
            .init(
                name: "bundle-valid-logged",
                why: "a logged certificate: the bundle's inclusion proof and checkpoint verify under the log key the verifier pins",
                bundle: logged, trust: root1File, logKey: logKeyFile(), valid: true))
        c.append(
            .init(
                name: "bundle-valid-log-not-pinned",
                why: "the same bundle without a pinned log key: the inclusion proof is not checked, the rest is",
                bundle: logged, trust: root1File, valid: true))
        c.append(
            .init(
                name: "bundle-valid-nulls-and-order",
                why: "optional members written as null (text_sha256, log_proof), members in another order, other whitespace",
                bundle: Array(
                    ("{\"trusted_roots\":[\(s(rawJSONString(s(v1))))],\"log_proof\":null,\"text_sha256\":null,"
                        + "\"certificate\":\(s(rawJSONString(s(cert)))),\"text\":\(s(rawJSONString(text))),"
                        + "\"media_type\":\"\(media)\"}").utf8),
                trust: root1File, valid: true))
        c.append(
            .init(
                name: "bundle-valid-text-overridden",
                why: "the verifier supplies the text although the bundle holds one: the supplied text is checked (here the same "
                    + "essay through an editor)",
                bundle: bundle(text: "not the certified text"),
                trust: root1File, text: Array(text.replacingOccurrences(of: "\r\n", with: "\n").utf8), valid: true))

        // ---- negative: the bundle itself ----
        c.append(
            .init(
                name: "bundle-not-json", why: "a truncated bundle file",
                bundle: Array(bundle().prefix(200)), trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-top-level-array", why: "a JSON array, not an object",
                bundle: Array("[\(s(bundle()))]".utf8), trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-media-type-v2", why: "a media type this verifier does not implement (a later version)",
                bundle: with(["media_type": "application/vnd.greenmark.bundle.v2+json"]),
                trust: root1File, valid: false, code: "bundle.media_type_unsupported"))
        c.append(
            .init(
                name: "bundle-media-type-sigstore", why: "another format's bundle media type",
                bundle: with(["media_type": "application/vnd.dev.sigstore.bundle.v0.3+json"]),
                trust: root1File, valid: false, code: "bundle.media_type_unsupported"))
        c.append(
            .init(
                name: "bundle-media-type-missing", why: "no media_type member",
                bundle: with(["media_type": nil]), trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-media-type-number", why: "media_type is not a string",
                bundle: with(["media_type": 1]), trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-extra-member", why: "a member the format does not allow (an unsigned claim beside the certificate)",
                bundle: with(["verdict": "watermarked"]), trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-extra-member-null", why: "a member the format does not allow, even as null",
                bundle: with(["log_key": NSNull()]), trust: root1File, valid: false, code: "bundle.invalid"))
        let dup = s(bundle()).replacingOccurrences(of: "\"media_type\"", with: "\"certificate\" : \"{}\",\n  \"media_type\"")
        c.append(
            .init(
                name: "bundle-duplicate-member", why: "the certificate member twice (parsers keep the first or the last)",
                bundle: Array(dup.utf8), trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-byte-order-mark", why: "a UTF-8 byte-order mark before the object",
                bundle: [0xef, 0xbb, 0xbf] + bundle(), trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-float", why: "a number with a fraction (no floating point in Greenmark documents)",
                bundle: with(["log_proof": 1.5]), trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-certificate-object", why: "the certificate as a JSON object instead of the file's text",
                bundle: with(["certificate": try! JSONSerialization.jsonObject(with: Data(cert))]),
                trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-certificate-missing", why: "no certificate",
                bundle: with(["certificate": nil]), trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-trusted-roots-missing", why: "no trusted_roots member (an empty array is allowed, absence is not)",
                bundle: with(["trusted_roots": nil]), trust: v1, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-trusted-root-object", why: "a trusted root as a JSON object instead of the file's text",
                bundle: with(["trusted_roots": [try! JSONSerialization.jsonObject(with: Data(v1))]]),
                trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-text-and-digest", why: "both text and text_sha256",
                bundle: with(["text_sha256": digest]), trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-no-text-no-digest", why: "neither text nor text_sha256",
                bundle: with(["text": nil]), trust: root1File, valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-digest-uppercase", why: "text_sha256 in uppercase hex",
                bundle: with(["text": nil, "text_sha256": digest.uppercased()]),
                trust: root1File, text: Array(text.utf8), valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-digest-short", why: "text_sha256 of 63 hex digits",
                bundle: with(["text": nil, "text_sha256": String(digest.dropLast())]),
                trust: root1File, text: Array(text.utf8), valid: false, code: "bundle.invalid"))
        c.append(
            .init(
                name: "bundle-log-proof-object", why: "log_proof as a JSON object instead of the evidence file's text",
                bundle: with(["log_proof": try! JSONSerialization.jsonObject(with: Data(logProof(cert)))]),
                trust: root1File, valid: false, code: "bundle.invalid"))

        let surrogate = s(bundle(text: "SURROGATE")).replacingOccurrences(of: "\"SURROGATE\"", with: "\"essay \\ud800 text\"")
        c.append(
            .init(
                name: "bundle-text-lone-surrogate",
                why: "the text member holds a \\u escape of a lone surrogate (no UTF-8 form; the JSON profile refuses it)",
                bundle: Array(surrogate.utf8), trust: root1File, valid: false, code: "bundle.invalid"))

        // ---- negative: trust reached through the bundle ----
        c.append(
            .init(
                name: "bundle-no-trusted-roots", why: "root-1 pinned, and the bundle carries no trusted root: a root key alone is not enough",
                bundle: bundle(roots: []), trust: root1File, valid: false, code: "trust.incomplete"))
        c.append(
            .init(
                name: "bundle-stale-trusted-roots", why: "the newest trusted root in the bundle (v1) expired before the verification time",
                bundle: bundle(), trust: root1File, valid: false, code: "trust.stale", at: t0 + 40 * day))
        c.append(
            .init(
                name: "bundle-trusted-roots-gap", why: "the bundle carries v1 and v3 but not v2",
                bundle: bundle(roots: [v1, v3]), trust: root1File, valid: false, code: "trust.version_gap"))
        c.append(
            .init(
                name: "bundle-trusted-roots-other-root",
                why: "the pin is root-2's key, the bundle's only trusted root (v1) was signed by root-1",
                bundle: bundle(), trust: rootKeyFile(root2), valid: false, code: "trust.incomplete"))
        let forgedV2 = json(try! TrustedRoot.sign(body(2, at: t1, roots: [attackerRoot], issuers: v2Issuers), with: [attackerRoot]))
        c.append(
            .init(
                name: "bundle-trusted-root-forged", why: "the bundle adds a version 2 signed only by an attacker's root",
                bundle: bundle(roots: [v1, forgedV2]), trust: root1File, valid: false, code: "trust.threshold_not_met"))
        let otherV1 = json(
            try! TrustedRoot.sign(
                body(
                    1, at: t0, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)],
                    expires: t0 + 60 * day), with: [root1]))
        c.append(
            .init(
                name: "bundle-trusted-root-conflict",
                why: "two different documents claim version 1 (the pinned v1 and the bundle's copy with another expiry)",
                bundle: bundle(roots: [otherV1]),
                trust: v1, valid: false, code: "trust.conflict"))

        // ---- negative: the certificate and the text ----
        var broken = attest(i1, at: t0 + day)
        broken = SignedCertificate(
            payload: broken.payload, protected: broken.protected, signature: String(broken.signature.reversed()),
            header: broken.header)
        c.append(
            .init(
                name: "bundle-certificate-tampered", why: "the embedded certificate's signature altered",
                bundle: bundle(json(broken)), trust: root1File, valid: false, code: "signature.invalid"))
        c.append(
            .init(
                name: "bundle-certificate-not-json", why: "the embedded certificate is not JSON",
                bundle: bundle(Array("not a certificate".utf8)), trust: root1File, valid: false, code: "format.invalid"))
        c.append(
            .init(
                name: "bundle-certificate-too-large",
                why: "the embedded certificate is one byte over 256 KiB (whitespace added): the certificate's own limit applies",
                bundle: bundle(cert + [UInt8](repeating: 0x20, count: CertificateVerifier.maximumCertificateBytes + 1 - cert.count)),
                trust: root1File, valid: false, code: "format.too_large"))
        c.append(
            .init(
                name: "bundle-revoked-key", why: "a certificate by issuer-2 after its compromise, with v1 to v3 in the bundle",
                bundle: bundle(json(attest(i2, at: compromise + 5 * day)), roots: [v1, v2, v3]),
                trust: root1File, valid: false, code: "key.revoked"))
        c.append(
            .init(
                name: "bundle-text-tampered", why: "the bundle's text with one word changed",
                bundle: bundle(text: text.replacingOccurrences(of: "short essay", with: "brief essay")),
                trust: root1File, valid: false, code: "text.digest.mismatch"))
        c.append(
            .init(
                name: "bundle-supplied-text-wrong",
                why: "the bundle's text is right, but the verifier supplies another text, which is what is checked",
                bundle: bundle(),
                trust: root1File, text: Array("A completely different essay.".utf8), valid: false, code: "text.digest.mismatch"))
        c.append(
            .init(
                name: "bundle-digest-mismatch", why: "a digest-only bundle whose text_sha256 is not the certificate's subject digest",
                bundle: bundle(digest: CanonicalText.sha256(of: "another text")),
                trust: root1File, text: Array(text.utf8), valid: false, code: "text.digest.mismatch"))
        c.append(
            .init(
                name: "bundle-digest-only-no-text", why: "a digest-only bundle and no text supplied: the text cannot be checked",
                bundle: bundle(digest: digest), trust: root1File, valid: false, code: "bundle.text_missing"))
        c.append(
            .init(
                name: "bundle-digest-only-wrong-text", why: "a digest-only bundle and a supplied text that is not the certified one",
                bundle: bundle(digest: digest),
                trust: root1File, text: Array("another text".utf8), valid: false, code: "text.digest.mismatch"))

        // ---- negative: the transparency log ----
        c.append(
            .init(
                name: "bundle-log-missing", why: "the verifier pins a log key, the bundle holds no inclusion proof",
                bundle: bundle(), trust: root1File, logKey: logKeyFile(), valid: false, code: "bundle.log_missing"))
        c.append(
            .init(
                name: "bundle-log-wrong-leaf", why: "the inclusion proof claims leaf 2, the certificate is leaf 3",
                bundle: bundle(log: logProof(cert, claimIndex: 2)),
                trust: root1File, logKey: logKeyFile(), valid: false, code: "log.inclusion.invalid"))
        c.append(
            .init(
                name: "bundle-log-other-certificate", why: "the inclusion proof of another certificate",
                bundle: bundle(log: logProof(json(attest(i1, at: t0 + 2 * day)))),
                trust: root1File, logKey: logKeyFile(), valid: false, code: "log.inclusion.invalid"))
        c.append(
            .init(
                name: "bundle-log-checkpoint-other-key", why: "the checkpoint is signed by another key than the pinned log key",
                bundle: bundle(log: logProof(cert, signer: Self.key("attacker-log"))),
                trust: root1File, logKey: logKeyFile(), valid: false, code: "log.checkpoint.invalid"))
        c.append(
            .init(
                name: "bundle-log-proof-garbage", why: "log_proof is not inclusion evidence",
                bundle: bundle(log: Array("{\"hello\":1}".utf8)),
                trust: root1File, logKey: logKeyFile(), valid: false, code: "log.evidence.invalid"))
        c.append(
            .init(
                name: "bundle-log-key-garbage", why: "the verifier's log key file is not a log key",
                bundle: logged, trust: root1File, logKey: Array("{}".utf8), valid: false, code: "log.key.invalid"))
        _ = v4
        return c
    }

    /// A JSON string literal for `s` (as JSONSerialization writes it).
    func rawJSONString(_ s: String) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed, .withoutEscapingSlashes]))
    }
}
