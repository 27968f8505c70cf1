import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto

/// One conformance case: inputs, and the status and check code a verifier must report.
struct ConformanceCase {
    let name: String
    let why: String
    let certificate: [UInt8]
    let text: [UInt8]
    let trust: [UInt8]
    var updates: [[UInt8]] = []
    let valid: Bool
    /// For invalid cases: the check code that must fail.
    var code: String? = nil
    /// The verification time; nil: 20 days after the newest trusted root supplied (see `ConformanceWorld.defaultTime`).
    var at: Date? = nil
    /// The verifier's floor (`--min-trust-version`).
    var minTrustVersion: Int? = nil
}

extension ConformanceWorld {
    /// Every case of the suite, positive and negative.
    func cases() -> [ConformanceCase] {
        let textBytes = Array(text.utf8)
        let i1 = issuer(issuer1, endorsedFrom: t0)
        let i2 = issuer(issuer2, endorsedFrom: t1)
        let i3 = issuer(issuer3, endorsedFrom: t2)
        let i3new = issuer(issuer3, endorsedFrom: t2, by: root2)
        let day: TimeInterval = 86_400
        let good = attest(i1, at: t0 + day)
        let goodBytes = json(good)
        let root1File = rootKeyFile(root1)
        let v1 = json(self.v1)
        let v2 = json(self.v2)
        let v3 = json(self.v3)
        let v4 = json(self.v4)
        let header: [String: Any] = ["alg": "EdDSA", "kid": SigningKeyID.issuer(issuer1.publicKey), "typ": SignedCertificate.type]
        func with(_ changes: [String: Any?]) -> [String: Any] {
            var h = header
            for (k, v) in changes { h[k] = v }
            return h
        }
        func tamperChar(_ s: String, at offset: Int) -> String {
            var chars = Array(s)
            let i = min(offset, chars.count - 2)
            chars[i] = chars[i] == "A" ? "B" : "A"
            return String(chars)
        }
        var c: [ConformanceCase] = []

        // ---- positive cases ----
        c.append(
            .init(
                name: "valid-root-key", why: "a detection attestation verified with the pinned root public key and the trusted root it signed",
                certificate: goodBytes, text: textBytes, trust: root1File, updates: [v1], valid: true))
        c.append(
            .init(
                name: "valid-trusted-root-v1", why: "the same certificate verified against trusted root version 1", certificate: goodBytes,
                text: textBytes, trust: v1, valid: true))
        c.append(
            .init(
                name: "valid-after-issuer-rotation",
                why: "a certificate by a retired issuing key, issued inside its window, stays valid after rotation (trusted root v2)",
                certificate: goodBytes, text: textBytes, trust: v2, valid: true))
        c.append(
            .init(
                name: "valid-new-issuer", why: "a certificate by the issuing key that took over at rotation",
                certificate: json(attest(i2, at: t1 + day)), text: textBytes, trust: v2, valid: true))
        c.append(
            .init(
                name: "valid-revoked-before-compromise", why: "a revoked key's certificate issued before compromised_since stays valid",
                certificate: json(attest(i2, at: compromise - 14 * day)), text: textBytes, trust: v3, valid: true))
        c.append(
            .init(
                name: "valid-chain-v1-to-v4", why: "a verifier pinned to v1 follows v2, v3 and the root rotation in v4 (signed by old and new root)",
                certificate: json(attest(i3new, at: t3 + day)), text: textBytes, trust: v1, updates: [v2, v3, v4], valid: true))
        c.append(
            .init(
                name: "valid-generation-receipt", why: "a generation receipt verified with the root public key and trusted root v1",
                certificate: json(receipt(i1, at: t0 + 2 * day)), text: textBytes, trust: root1File, updates: [v1], valid: true))
        let edited = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "Greenmark", with: "Gree\u{6E}mark") + "\n\n   "
        c.append(
            .init(
                name: "valid-text-through-an-editor",
                why: "the text with LF line endings, trailing blanks and extra final newlines still matches (canonical digest)",
                certificate: goodBytes, text: Array(edited.utf8), trust: root1File, updates: [v1], valid: true))
        let nfd = text.decomposedStringWithCanonicalMapping
        let accented = attest(i1, at: t0 + day, text: "Café crème, naïve résumé: \(text)")
        c.append(
            .init(
                name: "valid-unicode-normalization", why: "NFD text matches a certificate issued for its NFC form", certificate: json(accented),
                text: Array("Café crème, naïve résumé: \(nfd)".decomposedStringWithCanonicalMapping.utf8), trust: root1File, updates: [v1],
                valid: true))

        // Every rotation and revocation path `greenmark trust` and `greenmark keys` can take.
        let v5 = json(self.v5)
        let v6 = json(self.v6)
        let v7 = json(self.v7)
        let v8 = json(self.v8)
        let root2File = rootKeyFile(root2)
        c.append(
            .init(
                name: "valid-new-issuer-root-key-pin",
                why:
                    "the issuing key that took over at rotation (issuer-2), verified with the root public key and versions 2 and 1 (given in that order)",
                certificate: json(attest(i2, at: t1 + day)), text: textBytes, trust: root1File, updates: [v2, v1], valid: true))
        c.append(
            .init(
                name: "valid-old-certificate-after-root-rotation",
                why:
                    "issuer-1's certificate from before every rotation, verified by a verifier pinned to v1 that follows v2, v3 and the root rotation in v4",
                certificate: goodBytes, text: textBytes, trust: v1, updates: [v2, v3, v4], valid: true))
        c.append(
            .init(
                name: "valid-pinned-after-root-rotation",
                why: "a certificate by issuer-3 endorsed by root-1 before the root rotation, verified with v4 pinned (which lists only root-2)",
                certificate: json(attest(i3, at: t2 + day)), text: textBytes, trust: v4, valid: true))
        c.append(
            .init(
                name: "valid-old-root-key-follows-rotation",
                why:
                    "the same pre-rotation certificate with only root-1's public key pinned, following v1 to v4 (the root rotation, signed by both roots) given out of order",
                certificate: json(attest(i3, at: t2 + day)), text: textBytes, trust: root1File, updates: [v4, v2, v1, v3], valid: true))
        c.append(
            .init(
                name: "valid-new-root-key-pin",
                why:
                    "after the root rotation, root-2's public key pinned with every published version v1 to v8: the chain starts at v4, the first version root-2 signed",
                certificate: json(attest(i3new, at: t3 + day)), text: textBytes, trust: root2File, updates: [v1, v2, v3, v4, v5, v6, v7, v8],
                valid: true))
        c.append(
            .init(
                name: "valid-revoked-before-compromise-after-root-rotation",
                why:
                    "the revoked issuer-2's certificate from before compromised_since, followed from v1 through the revocation (v3) and the root rotation (v4)",
                certificate: json(attest(i2, at: compromise - 14 * day)), text: textBytes, trust: v1, updates: [v2, v3, v4], valid: true))
        c.append(
            .init(
                name: "valid-retired-key-revoked-later",
                why:
                    "issuer-1, retired at rotation, later revoked (v5, signed by root-2) as compromised since a time after its window closed: its certificates from inside the window stay valid",
                certificate: goodBytes, text: textBytes, trust: v4, updates: [v5], valid: true))
        let wk1Certificate = json(attest(i3new, at: t3 + day))
        c.append(
            .init(
                name: "valid-after-watermark-key-rotation",
                why: "a certificate naming watermark key wk-1 after `keys rotate` made wk-2 primary and wk-1 enabled (v6)",
                certificate: wk1Certificate, text: textBytes, trust: v4, updates: [v5, v6], valid: true))
        c.append(
            .init(
                name: "valid-watermark-key-disabled",
                why: "the same certificate after wk-1 was disabled (v7): disabling a watermark key stops detection with it, not its certificates",
                certificate: wk1Certificate, text: textBytes, trust: v4, updates: [v5, v6, v7], valid: true))
        c.append(
            .init(
                name: "valid-watermark-key-destroyed",
                why: "a generation receipt naming wk-1 after wk-1 was destroyed (v8): destroying the secret does not void what was signed",
                certificate: json(receipt(i3new, at: t3 + 2 * day)), text: textBytes, trust: v4, updates: [v5, v6, v7, v8], valid: true))
        c.append(
            .init(
                name: "valid-chain-v1-to-v8",
                why:
                    "the first certificate (issuer-1 under root-1) after every change: issuer rotation, revocation, root rotation, late revocation of issuer-1 and three watermark-key changes",
                certificate: goodBytes, text: textBytes, trust: v1, updates: [v2, v3, v4, v5, v6, v7, v8], valid: true))

        // ---- negative cases ----
        var tamperedPayload = good
        tamperedPayload = SignedCertificate(
            payload: tamperChar(good.payload, at: 40), protected: good.protected, signature: good.signature, header: good.header)
        c.append(
            .init(
                name: "tampered-payload", why: "one character of the signed payload changed", certificate: json(tamperedPayload), text: textBytes,
                trust: root1File, updates: [v1], valid: false, code: "signature.invalid"))
        let reheader = Base64URL.encode(try! JSONSerialization.data(withJSONObject: with(["x-note": "added"]), options: [.sortedKeys]))
        c.append(
            .init(
                name: "tampered-protected-header",
                why:
                    "a parameter added to the protected header after signing: a member beside alg, kid and typ is refused before the signature is checked",
                certificate: json(SignedCertificate(payload: good.payload, protected: reheader, signature: good.signature, header: good.header)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "header.invalid"))
        let retyped = Base64URL.encode(
            try! JSONSerialization.data(withJSONObject: with(["kid": SigningKeyID.issuer(issuer2.publicKey)]), options: [.sortedKeys]))
        c.append(
            .init(
                name: "tampered-protected-kid", why: "the protected header's kid changed to issuer-2 (listed in v2) after issuer-1 signed",
                certificate: json(SignedCertificate(payload: good.payload, protected: retyped, signature: good.signature, header: good.header)),
                text: textBytes, trust: root1File, updates: [v1, v2], valid: false, code: "signature.invalid"))
        var sig = try! Base64URL.decode(good.signature)
        sig[10] ^= 0x01
        c.append(
            .init(
                name: "tampered-signature", why: "one bit of the signature flipped",
                certificate: json(
                    SignedCertificate(payload: good.payload, protected: good.protected, signature: Base64URL.encode(sig), header: good.header)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "signature.invalid"))
        c.append(
            .init(
                name: "signature-truncated", why: "a 63-byte signature",
                certificate: json(
                    SignedCertificate(
                        payload: good.payload, protected: good.protected, signature: Base64URL.encode(sig.prefix(63)), header: good.header)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "signature.invalid"))
        c.append(
            .init(
                name: "wrong-signing-key", why: "signed by an attacker's key while claiming issuer-1's kid and endorsement",
                certificate: json(raw(header: header, payload: payload(of: good), key: attacker, endorsement: good.header.endorsement)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "signature.invalid"))
        let attackerIssuer = CertificateIssuer(key: attacker, endorsement: endorsement(attacker, from: t0, by: attackerRoot))
        c.append(
            .init(
                name: "unknown-issuer-in-trusted-root", why: "an issuing key the trusted root does not list",
                certificate: json(attest(attackerIssuer, at: t0 + day)), text: textBytes, trust: v1, valid: false, code: "key.unknown"))
        c.append(
            .init(
                name: "attacker-issuer-own-endorsement",
                why:
                    "an attacker's issuing key with an endorsement by the attacker's root: the endorsement is not trust, and the trusted root does not list the key",
                certificate: json(attest(attackerIssuer, at: t0 + day)), text: textBytes, trust: root1File, updates: [v1], valid: false,
                code: "key.unknown"))
        let forged = endorsement(attacker, from: t0, by: attackerRoot)
        let forgedHeader = Base64URL.encode(
            try! JSONSerialization.data(
                withJSONObject: ["alg": "EdDSA", "kid": SigningKeyID.root(root1.publicKey), "typ": Endorsement.type], options: [.sortedKeys]))
        let forgedSig = try! attackerRoot.signature(for: JWS.signingInput(protected: forgedHeader, payload: forged.payload))
        let forgedEndorsement = Endorsement(payload: forged.payload, protected: forgedHeader, signature: Base64URL.encode(forgedSig))
        let forgedCert = attest(CertificateIssuer(key: attacker, endorsement: forgedEndorsement), at: t0 + day)
        c.append(
            .init(
                name: "attacker-issuer-forged-endorsement",
                why: "an attacker's issuing key with an endorsement that names root-1 but was signed by another key", certificate: json(forgedCert),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "key.unknown"))
        let swapped = attest(CertificateIssuer(key: issuer2, endorsement: endorsement(issuer1, from: t0, by: root1)), at: t1 + day)
        c.append(
            .init(
                name: "valid-endorsement-not-used",
                why: "issuer-2 signs but carries issuer-1's endorsement: verifiers do not use endorsements, the trusted root (v2) lists issuer-2",
                certificate: json(swapped), text: textBytes, trust: root1File, updates: [v1, v2], valid: true))
        c.append(
            .init(
                name: "alg-none", why: "algorithm confusion: alg none with an empty signature",
                certificate: json(
                    SignedCertificate(
                        payload: good.payload,
                        protected: Base64URL.encode(try! JSONSerialization.data(withJSONObject: with(["alg": "none"]), options: [.sortedKeys])),
                        signature: "", header: good.header)), text: textBytes, trust: root1File, updates: [v1], valid: false,
                code: "header.algorithm_unsupported"))
        let hsHeader = Base64URL.encode(try! JSONSerialization.data(withJSONObject: with(["alg": "HS256"]), options: [.sortedKeys]))
        let hsSig = try! HMACSHA256.oneShot(
            key: issuer1.publicKey.rawRepresentation, message: JWS.signingInput(protected: hsHeader, payload: good.payload))
        c.append(
            .init(
                name: "alg-hs256-public-key-as-secret", why: "algorithm confusion: HS256 keyed with the issuer's public key",
                certificate: json(
                    SignedCertificate(payload: good.payload, protected: hsHeader, signature: Base64URL.encode(hsSig), header: good.header)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "header.algorithm_unsupported"))
        c.append(
            .init(
                name: "alg-es256", why: "an algorithm other than EdDSA",
                certificate: json(
                    raw(header: with(["alg": "ES256"]), payload: payload(of: good), key: issuer1, endorsement: good.header.endorsement)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "header.algorithm_unsupported"))
        c.append(
            .init(
                name: "alg-missing", why: "a protected header without alg",
                certificate: json(raw(header: with(["alg": nil]), payload: payload(of: good), key: issuer1, endorsement: good.header.endorsement)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "header.algorithm_unsupported"))
        c.append(
            .init(
                name: "crit-header", why: "a critical header parameter the verifier does not understand",
                certificate: json(
                    raw(header: with(["crit": ["exp"], "exp": 1]), payload: payload(of: good), key: issuer1, endorsement: good.header.endorsement)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "header.critical_unsupported"))
        c.append(
            .init(
                name: "b64-false", why: "RFC 7797 unencoded payload option",
                certificate: json(raw(header: with(["b64": false]), payload: payload(of: good), key: issuer1, endorsement: good.header.endorsement)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "header.critical_unsupported"))
        c.append(
            .init(
                name: "wrong-typ", why: "an endorsement-typed object presented as a certificate",
                certificate: json(
                    raw(header: with(["typ": Endorsement.type]), payload: payload(of: good), key: issuer1, endorsement: good.header.endorsement)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "header.type_mismatch"))
        c.append(
            .init(
                name: "missing-kid", why: "a protected header without kid",
                certificate: json(raw(header: with(["kid": nil]), payload: payload(of: good), key: issuer1, endorsement: good.header.endorsement)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "header.invalid"))
        var statement = try! JSONSerialization.jsonObject(with: Data(payload(of: good))) as! [String: Any]
        var predicate = statement["predicate"] as! [String: Any]
        predicate["issuer_key_id"] = SigningKeyID.issuer(issuer2.publicKey)
        statement["predicate"] = predicate
        c.append(
            .init(
                name: "statement-names-other-issuer", why: "the signed statement names issuer-2 but issuer-1 signed it",
                certificate: json(
                    raw(
                        header: header, payload: Array(try! JSONSerialization.data(withJSONObject: statement, options: [.sortedKeys])), key: issuer1,
                        endorsement: good.header.endorsement)), text: textBytes, trust: root1File, updates: [v1], valid: false,
                code: "key.id_mismatch"))
        c.append(
            .init(
                name: "revoked-after-compromise", why: "issued by issuer-2 after its compromised_since",
                certificate: json(attest(i2, at: compromise + 5 * day)), text: textBytes, trust: v3, valid: false, code: "key.revoked"))
        c.append(
            .init(
                name: "revoked-backdated-into-window-end", why: "issued by revoked issuer-2 exactly at compromised_since",
                certificate: json(attest(i2, at: compromise)), text: textBytes, trust: v3, valid: false, code: "key.revoked"))
        c.append(
            .init(
                name: "expired-issuing-key", why: "issued by issuer-1 after it was retired at rotation",
                certificate: json(attest(i1, at: t1 + 10 * day)), text: textBytes, trust: v2, valid: false, code: "key.expired"))
        c.append(
            .init(
                name: "not-yet-valid-issuing-key", why: "issued by issuer-2 before its window opened (trusted root)",
                certificate: json(attest(i2, at: t0 + day)), text: textBytes, trust: v2, valid: false, code: "key.not_yet_valid"))
        c.append(
            .init(
                name: "not-yet-valid-root-key-pin", why: "issued by issuer-2 before its window opened, root key pinned with v1 and v2",
                certificate: json(attest(i2, at: t0 + day)), text: textBytes, trust: root1File, updates: [v1, v2], valid: false,
                code: "key.not_yet_valid"))
        c.append(
            .init(
                name: "issuer-missing-from-old-copy",
                why: "a certificate by issuer-2 checked with root-1 and only v1: the verifier's copy does not list issuer-2",
                certificate: json(attest(i2, at: t0 + 10 * day)), text: textBytes, trust: root1File, updates: [v1], valid: false, code: "key.unknown")
        )
        c.append(
            .init(
                name: "text-mismatch", why: "the certificate checked against a different text", certificate: goodBytes,
                text: Array("A completely different essay about gardening.".utf8), trust: root1File, updates: [v1], valid: false,
                code: "text.digest.mismatch"))
        c.append(
            .init(
                name: "text-one-word-changed", why: "one word of the certified text changed", certificate: goodBytes,
                text: Array(text.replacingOccurrences(of: "short essay", with: "brief essay").utf8), trust: root1File, updates: [v1], valid: false,
                code: "text.digest.mismatch"))
        c.append(
            .init(
                name: "text-invalid-utf8", why: "the text file is not UTF-8", certificate: goodBytes, text: [0x57, 0x61, 0xff, 0xfe, 0x74],
                trust: root1File, updates: [v1], valid: false, code: "text.encoding_invalid"))
        c.append(
            .init(
                name: "valid-older-documents-ignored", why: "v3 pinned with v2 and v1 also given: versions older than the pin are ignored",
                certificate: goodBytes, text: textBytes, trust: v3, updates: [v2, v1], valid: true))
        c.append(
            .init(
                name: "trust-rollback", why: "v3 pinned, but the verifier has seen version 4 before (--min-trust-version 4)", certificate: goodBytes,
                text: textBytes, trust: v3, valid: false, code: "trust.rollback", minTrustVersion: 4))
        c.append(
            .init(
                name: "trust-rollback-root-key-pin",
                why: "root-1 pinned with v1 and v2 while the verifier has seen version 3 (the floor applies to a root-key pin too)",
                certificate: goodBytes, text: textBytes, trust: root1File, updates: [v1, v2], valid: false, code: "trust.rollback", minTrustVersion: 3
            ))
        c.append(
            .init(
                name: "trust-version-gap", why: "an update that skips a version (v1 then v3)", certificate: goodBytes, text: textBytes, trust: v1,
                updates: [v3], valid: false, code: "trust.version_gap"))
        let evil = try! TrustedRoot.sign(
            body(2, at: t1, roots: [attackerRoot], issuers: [entry(attacker, from: t0, to: nil, status: .active)]), with: [attackerRoot])
        c.append(
            .init(
                name: "trust-update-not-signed-by-previous-root",
                why: "a version 2 that replaces the root but is signed only by the new (attacker) root",
                certificate: json(attest(attackerIssuer, at: t1 + day)), text: textBytes, trust: v1, updates: [json(evil)], valid: false,
                code: "trust.threshold_not_met"))
        // v1's signatures over a body that also lists the attacker's issuing key.
        let widened = body(
            1, at: t0, roots: [root1],
            issuers: [entry(issuer1, from: t0, to: nil, status: .active), entry(attacker, from: t0, to: nil, status: .active)])
        let badPinned = TrustedRoot(payload: Base64URL.encode(try! JSONEncoder().encode(widened)), signatures: self.v1.signatures)
        c.append(
            .init(
                name: "trust-pinned-bad-signature",
                why: "the pinned trusted root's body was widened to list an attacker's issuing key, keeping the old signatures",
                certificate: json(attest(attackerIssuer, at: t0 + day)), text: textBytes, trust: json(badPinned), valid: false,
                code: "trust.signature.invalid"))
        c.append(
            .init(
                name: "trust-file-garbage", why: "the trust file is not JSON", certificate: goodBytes, text: textBytes,
                trust: Array("-----BEGIN PUBLIC KEY-----\n".utf8), valid: false, code: "trust.unreadable"))
        c.append(
            .init(
                name: "truncated-certificate", why: "the certificate file cut in half", certificate: Array(goodBytes.prefix(goodBytes.count / 2)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "format.invalid"))
        c.append(
            .init(
                name: "empty-certificate", why: "an empty certificate file", certificate: [], text: textBytes, trust: root1File, updates: [v1],
                valid: false, code: "format.invalid"))
        var padded = goodBytes
        padded.removeLast(2)  // "}\n"
        padded += Array(",\"padding\":\"".utf8) + [UInt8](repeating: 0x41, count: 300_000) + Array("\"}\n".utf8)
        c.append(
            .init(
                name: "oversized-certificate", why: "a certificate over the 256 KiB limit", certificate: padded, text: textBytes, trust: root1File,
                updates: [v1], valid: false, code: "format.too_large"))
        let utf16 = Array(String(decoding: goodBytes, as: UTF8.self).data(using: .utf16)!)
        c.append(
            .init(
                name: "wrong-encoding-utf16", why: "the certificate file encoded as UTF-16", certificate: utf16, text: textBytes, trust: root1File,
                updates: [v1], valid: false, code: "format.invalid"))
        c.append(
            .init(
                name: "payload-not-a-statement", why: "a validly signed payload that is not a Greenmark statement",
                certificate: json(
                    raw(header: header, payload: Array("{\"hello\":\"world\"}".utf8), key: issuer1, endorsement: good.header.endorsement)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "statement.invalid"))
        statement = try! JSONSerialization.jsonObject(with: Data(payload(of: good))) as! [String: Any]
        statement["predicateType"] = "https://example.com/unknown/v1"
        c.append(
            .init(
                name: "unknown-predicate-type", why: "a predicate type this verifier does not know",
                certificate: json(
                    raw(
                        header: header, payload: Array(try! JSONSerialization.data(withJSONObject: statement, options: [.sortedKeys])), key: issuer1,
                        endorsement: good.header.endorsement)), text: textBytes, trust: root1File, updates: [v1], valid: false,
                code: "statement.invalid"))
        statement = try! JSONSerialization.jsonObject(with: Data(payload(of: good))) as! [String: Any]
        predicate = statement["predicate"] as! [String: Any]
        predicate["text_canonicalization"] = "none"
        statement["predicate"] = predicate
        c.append(
            .init(
                name: "unknown-text-canonicalization", why: "a subject digest computed under an unknown canonicalization",
                certificate: json(
                    raw(
                        header: header, payload: Array(try! JSONSerialization.data(withJSONObject: statement, options: [.sortedKeys])), key: issuer1,
                        endorsement: good.header.endorsement)), text: textBytes, trust: root1File, updates: [v1], valid: false,
                code: "statement.invalid"))

        // Endorsements (root-key trust): every time must parse, the window must cover issuance.
        let endorsementHeader: [String: Any] = ["alg": "EdDSA", "kid": SigningKeyID.root(root1.publicKey), "typ": Endorsement.type]
        func endorsed(header h: [String: Any] = endorsementHeader, _ changes: [String: Any], at: Date) -> [UInt8] {
            var b: [String: Any] = [
                "_type": Endorsement.Body.typeName, "issuer_key_id": SigningKeyID.issuer(issuer1.publicKey),
                "public_key": Base64URL.encode(issuer1.publicKey.rawRepresentation), "not_before": Timestamp.format(t0),
            ]
            for (k, v) in changes { b[k] = v }
            return json(attest(CertificateIssuer(key: issuer1, endorsement: rawEndorsement(header: h, body: b, root: root1)), at: at))
        }
        c.append(
            .init(
                name: "valid-endorsement-content-not-used",
                why:
                    "issuer-1's certificate whose endorsement has a malformed not_after (2026-02-01): verifiers check only the endorsement's shape, trust comes from the trusted root",
                certificate: endorsed(["not_after": "2026-02-01"], at: t0 + day), text: textBytes, trust: root1File, updates: [v1], valid: true))
        c.append(
            .init(
                name: "expired-issuing-key-root-key-pin",
                why:
                    "issued by issuer-1 ten days after its retirement, root key pinned with v2 and v1 (what trust export publishes): the retirement reaches a root-key verifier",
                certificate: json(
                    attest(CertificateIssuer(key: issuer1, endorsement: endorsement(issuer1, from: t0, to: nil, by: root1)), at: t1 + 10 * day)),
                text: textBytes, trust: root1File, updates: [v2, v1], valid: false, code: "key.expired"))

        // Trusted roots.
        var badAfter = entry(issuer1, from: t0, to: nil, status: .active)
        badAfter.notAfter = "2026-03-01T00:00:00+00:00"
        c.append(
            .init(
                name: "trust-not-after-unparseable",
                why:
                    "a validly signed trusted root whose issuing key has a not_after with a numeric offset (not the Z form) and a certificate issued after it: fails closed instead of reading as open-ended",
                certificate: json(attest(i1, at: t1 + 10 * day)), text: textBytes,
                trust: json(try! TrustedRoot.sign(body(1, at: t0, roots: [root1], issuers: [badAfter]), with: [root1])), valid: false,
                code: "trust.unreadable"))
        var badCompromise = v3Issuers
        badCompromise[1].compromisedSince = "2026-04-15"
        c.append(
            .init(
                name: "trust-compromised-since-unparseable",
                why: "a trusted root revoking issuer-2 with a compromised_since that is a date without a time",
                certificate: json(attest(i2, at: compromise + 5 * day)), text: textBytes,
                trust: json(try! TrustedRoot.sign(body(3, at: t2, roots: [root1], issuers: badCompromise), with: [root1])), valid: false,
                code: "trust.unreadable"))
        c.append(
            .init(
                name: "trust-version-zero", why: "a trusted root with version 0 (versions start at 1)", certificate: goodBytes, text: textBytes,
                trust: json(
                    try! TrustedRoot.sign(
                        body(0, at: t0, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)]), with: [root1])), valid: false,
                code: "trust.unreadable"))
        let unsigned = body(1, at: t0, roots: [attackerRoot], issuers: [entry(attacker, from: t0, to: nil, status: .active)], threshold: 0)
        c.append(
            .init(
                name: "trust-threshold-zero-unsigned", why: "a trusted root with threshold 0 and no signature at all",
                certificate: json(attest(attackerIssuer, at: t0 + day)), text: textBytes,
                trust: json(TrustedRoot(payload: Base64URL.encode(try! JWS.canonicalEncoder.encode(unsigned)), signatures: [])), valid: false,
                code: "trust.unreadable"))
        let twoRoots = body(1, at: t0, roots: [root1, root2], issuers: [entry(issuer1, from: t0, to: nil, status: .active)], threshold: 2)
        c.append(
            .init(
                name: "trust-same-root-signed-twice", why: "threshold 2 of root-1 and root-2, met only by root-1's signature twice",
                certificate: goodBytes, text: textBytes, trust: json(try! TrustedRoot.sign(twoRoots, with: [root1, root1])), valid: false,
                code: "trust.signature.invalid"))
        let afterRotation = body(5, at: t4, roots: [root1], issuers: v3Issuers + [entry(attacker, from: t4, to: nil, status: .active)])
        c.append(
            .init(
                name: "trust-update-signed-by-retired-root",
                why: "after the root rotation (v4 pinned), a version 5 signed only by the rotated-out root-1 that adds an issuing key",
                certificate: json(attest(CertificateIssuer(key: attacker, endorsement: endorsement(attacker, from: t4, by: root1)), at: t4 + day)),
                text: textBytes, trust: v4, updates: [json(try! TrustedRoot.sign(afterRotation, with: [root1]))], valid: false,
                code: "trust.threshold_not_met"))
        let mislabelled =
            "{\"_type\":\"\(RootKeyFile.typeName)\",\"key_id\":\"\(SigningKeyID.root(root1.publicKey))\",\"public_key\":\"\(Base64URL.encode(attackerRoot.publicKey.rawRepresentation))\"}\n"
        c.append(
            .init(
                name: "trust-root-key-id-mismatch", why: "a root key file carrying root-1's key id with another key's public key",
                certificate: json(attest(attackerIssuer, at: t0 + day)), text: textBytes, trust: Array(mislabelled.utf8), valid: false,
                code: "trust.unreadable"))
        // A signed body listing issuing_keys twice: JSONDecoder would read the first list (with
        // the attacker's key), JSON.parse and Python the second.
        let v1Body = String(
            decoding: try! JWS.canonicalEncoder.encode(
                body(1, at: t0, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)])), as: UTF8.self)
        let attackerEntry = String(decoding: try! JWS.canonicalEncoder.encode(entry(attacker, from: t0, to: nil, status: .active)), as: UTF8.self)
        let doubled = v1Body.replacingOccurrences(of: "\"issuing_keys\":[", with: "\"issuing_keys\":[\(attackerEntry)],\"issuing_keys\":[")
        c.append(
            .init(
                name: "trust-duplicate-member",
                why:
                    "a signed trusted-root body with issuing_keys twice (the first list naming an attacker's key): parsers disagree on which counts, so it is rejected",
                certificate: json(attest(attackerIssuer, at: t0 + day)), text: textBytes,
                trust: json(rawTrustedRoot(body: Array(doubled.utf8), keys: [root1])), valid: false, code: "trust.unreadable"))

        // Repeated member names in signed content and in the certificate file.
        let kid1 = SigningKeyID.issuer(issuer1.publicKey)
        let dupHeader = Base64URL.encode(Array("{\"alg\":\"none\",\"alg\":\"EdDSA\",\"kid\":\"\(kid1)\",\"typ\":\"\(SignedCertificate.type)\"}".utf8))
        c.append(
            .init(
                name: "header-duplicate-member", why: "a validly signed protected header with alg twice (none, then EdDSA)",
                certificate: json(rawEncoded(protected: dupHeader, payload: good.payload, key: issuer1, endorsement: good.header.endorsement)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "header.invalid"))
        let goodStatement = String(decoding: payload(of: good), as: UTF8.self)
        let issuedField = "\"issued_at\":\"\(Timestamp.format(t0 + day))\""
        let dupStatement = goodStatement.replacingOccurrences(
            of: issuedField, with: "\"issued_at\":\"\(Timestamp.format(t1 + 10 * day))\",\(issuedField)")
        c.append(
            .init(
                name: "payload-duplicate-member",
                why: "a validly signed statement with issued_at twice (after issuer-1's retirement, then inside its window), checked against v2",
                certificate: json(raw(header: header, payload: Array(dupStatement.utf8), key: issuer1, endorsement: good.header.endorsement)),
                text: textBytes, trust: v2, valid: false, code: "statement.invalid"))
        let escapedDup = goodStatement.replacingOccurrences(
            of: issuedField, with: "\"issued\\u005fat\":\"\(Timestamp.format(t1 + 10 * day))\",\(issuedField)")
        c.append(
            .init(
                name: "payload-duplicate-member-escaped",
                why: "the same with the first name spelled issued\\u005fat: names are compared after unescaping",
                certificate: json(raw(header: header, payload: Array(escapedDup.utf8), key: issuer1, endorsement: good.header.endorsement)),
                text: textBytes, trust: v2, valid: false, code: "statement.invalid"))
        let goodText = String(decoding: goodBytes, as: UTF8.self)
        let otherPayload = json(attest(i1, at: t0 + 3 * day, text: "Another essay."))
        let otherPayloadString = (try! JSONDecoder().decode(SignedCertificate.self, from: Data(otherPayload))).payload
        c.append(
            .init(
                name: "certificate-duplicate-member",
                why: "the certificate file with payload twice (another certificate's payload first, the signed one second)",
                certificate: Array(
                    goodText.replacingOccurrences(of: "{\n  \"header\"", with: "{\n  \"payload\" : \"\(otherPayloadString)\",\n  \"header\"").utf8),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "format.invalid"))

        // The subject digest and issuance time.
        func restated(_ edit: (inout [String: Any]) -> Void) -> [UInt8] {
            var st = try! JSONSerialization.jsonObject(with: Data(payload(of: good))) as! [String: Any]
            edit(&st)
            return json(
                raw(
                    header: header, payload: Array(try! JSONSerialization.data(withJSONObject: st, options: [.sortedKeys, .withoutEscapingSlashes])),
                    key: issuer1, endorsement: good.header.endorsement))
        }
        let digest = CanonicalText.sha256(of: text)
        c.append(
            .init(
                name: "statement-digest-uppercase", why: "the right subject digest in uppercase hex (digests are 64 lowercase hex digits)",
                certificate: restated { $0["subject"] = [["name": "text", "digest": ["sha256": digest.uppercased()]]] }, text: textBytes,
                trust: root1File, updates: [v1], valid: false, code: "statement.invalid"))
        c.append(
            .init(
                name: "statement-digest-empty", why: "an empty subject digest",
                certificate: restated { $0["subject"] = [["name": "text", "digest": ["sha256": ""]]] }, text: textBytes, trust: root1File,
                updates: [v1], valid: false, code: "statement.invalid"))
        c.append(
            .init(
                name: "statement-issued-at-unparseable", why: "issued_at with fractional seconds (not the whole-second RFC 3339 form)",
                certificate: restated { st in
                    var p = st["predicate"] as! [String: Any]
                    p["issued_at"] = "2026-01-02T00:00:00.000Z"
                    st["predicate"] = p
                }, text: textBytes, trust: root1File, updates: [v1], valid: false, code: "statement.invalid"))

        // Payload encodings.
        let rawInput = Array(good.protected.utf8) + [UInt8(ascii: ".")] + payload(of: good)
        c.append(
            .init(
                name: "signature-over-raw-payload",
                why: "signed over the protected header and the raw statement JSON (as with b64 false) instead of its base64url encoding",
                certificate: json(
                    rawEncoded(
                        protected: good.protected, payload: good.payload, key: issuer1, endorsement: good.header.endorsement, signedInput: rawInput)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "signature.invalid"))
        var statementBytes = payload(of: good)
        while statementBytes.count % 3 == 0 { statementBytes.append(0x20) }
        let padded64 = Base64URL.encode(statementBytes) + String(repeating: "=", count: 3 - statementBytes.count % 3)
        c.append(
            .init(
                name: "payload-base64-padded",
                why: "a payload encoded with = padding, signed over exactly that string: the signature holds but the payload is not base64url",
                certificate: json(rawEncoded(protected: good.protected, payload: padded64, key: issuer1, endorsement: good.header.endorsement)),
                text: textBytes, trust: root1File, updates: [v1], valid: false, code: "statement.invalid"))
        return c + ruleCases() + gumbelCases()
    }
}
