import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto

extension ConformanceWorld {
    /// Cases for the rules `docs/certificate-format.md` settles explicitly: the trust chain and its
    /// freshness, exact member sets, the JSON profile, the time form, check order inside a stage,
    /// window edges, the verification time and the Unicode 14.0 repertoire.
    func ruleCases() -> [ConformanceCase] {
        let day: TimeInterval = 86_400
        let textBytes = Array(text.utf8)
        let i1 = issuer(issuer1, endorsedFrom: t0)
        let i2 = issuer(issuer2, endorsedFrom: t1)
        let i3 = issuer(issuer3, endorsedFrom: t2)
        let good = attest(i1, at: t0 + day)
        let goodBytes = json(good)
        let root1File = rootKeyFile(root1)
        let root2File = rootKeyFile(root2)
        let v1 = json(self.v1)
        let v2 = json(self.v2)
        let v3 = json(self.v3)
        let v4 = json(self.v4)
        let kid1 = SigningKeyID.issuer(issuer1.publicKey)
        let header: [String: Any] = ["alg": "EdDSA", "kid": kid1, "typ": SignedCertificate.type]
        var c: [ConformanceCase] = []
        func add(
            _ name: String, _ why: String, certificate: [UInt8]? = nil, text: [UInt8]? = nil, trust: [UInt8]? = nil, updates: [[UInt8]]? = nil,
            at: Date? = nil, min: Int? = nil, code: String? = nil
        ) {
            c.append(
                .init(
                    name: name, why: why, certificate: certificate ?? goodBytes, text: text ?? textBytes, trust: trust ?? root1File,
                    updates: updates ?? (trust == nil ? [v1] : []), valid: code == nil, code: code, at: at, minTrustVersion: min))
        }
        func object(_ bytes: [UInt8]) -> [String: Any] { try! JSONSerialization.jsonObject(with: Data(bytes)) as! [String: Any] }
        func serialize(_ value: Any) -> [UInt8] {
            Array(try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))
        }
        /// The good certificate's statement edited, re-signed by issuer-1.
        func restated(_ edit: (inout [String: Any]) -> Void) -> [UInt8] {
            var st = object(payload(of: good))
            edit(&st)
            return json(raw(header: header, payload: serialize(st), key: issuer1, endorsement: good.header.endorsement))
        }
        func restatedText(_ edit: (inout String) -> Void) -> [UInt8] {
            var st = String(decoding: payload(of: good), as: UTF8.self)
            edit(&st)
            return json(raw(header: header, payload: Array(st.utf8), key: issuer1, endorsement: good.header.endorsement))
        }
        func predicate(_ edit: @escaping (inout [String: Any]) -> Void) -> [UInt8] {
            restated { st in
                var p = st["predicate"] as! [String: Any]
                edit(&p)
                st["predicate"] = p
            }
        }
        /// A certificate over an exact protected header, signed by issuer-1.
        func headed(_ protectedJSON: String) -> [UInt8] {
            json(
                rawEncoded(
                    protected: Base64URL.encode(Array(protectedJSON.utf8)), payload: good.payload, key: issuer1, endorsement: good.header.endorsement)
            )
        }
        /// Version 1's body edited as JSON, signed by root-1.
        func v1Edited(_ edit: (inout [String: Any]) -> Void) -> [UInt8] {
            var b = object(
                Array(
                    try! JWS.canonicalEncoder.encode(body(1, at: t0, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)]))))
            edit(&b)
            return json(rawTrustedRoot(body: serialize(b), keys: [root1]))
        }
        func v1EditedText(_ edit: (inout String) -> Void) -> [UInt8] {
            var b = String(
                decoding: try! JWS.canonicalEncoder.encode(
                    body(1, at: t0, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)])), as: UTF8.self)
            edit(&b)
            return json(rawTrustedRoot(body: Array(b.utf8), keys: [root1]))
        }
        func issuerEdited(_ edit: @escaping (inout [String: Any]) -> Void) -> [UInt8] {
            v1Edited { b in
                var keys = b["issuing_keys"] as! [[String: Any]]
                edit(&keys[0])
                b["issuing_keys"] = keys
            }
        }
        /// Version 1 with signature entries of the given protected headers, each signed by root-1.
        func v1Signed(_ protectedHeaders: [String]) -> [UInt8] {
            let payload = Base64URL.encode(
                try! JWS.canonicalEncoder.encode(body(1, at: t0, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)])))
            let signatures = protectedHeaders.map { h -> JWS.Signature in
                let p = Base64URL.encode(Array(h.utf8))
                return JWS.Signature(
                    protected: p, signature: Base64URL.encode(try! root1.signature(for: JWS.signingInput(protected: p, payload: payload))))
            }
            return json(TrustedRoot(payload: payload, signatures: signatures))
        }
        let root1ID = SigningKeyID.root(root1.publicKey)
        let goodRootHeader = "{\"alg\":\"EdDSA\",\"kid\":\"\(root1ID)\",\"typ\":\"\(TrustedRoot.type)\"}"
        let goodText = String(decoding: goodBytes, as: UTF8.self)

        // ---- the trust chain and its freshness ----
        add(
            "trust-root-key-alone", "only root-1's public key, no trusted root: a bare root key is never enough", updates: [],
            code: "trust.incomplete")
        add(
            "trust-root-key-foreign-documents", "root-2's public key pinned with v1 to v3, which root-2 never signed", trust: root2File,
            updates: [v1, v2, v3], code: "trust.incomplete")
        add(
            "trust-root-key-signature-not-counting",
            "root-1 pinned with a v1 whose only signature has a protected header with alg ES256 (an entry that does not count)",
            updates: [v1Signed(["{\"alg\":\"ES256\",\"kid\":\"\(root1ID)\",\"typ\":\"\(TrustedRoot.type)\"}"])], code: "trust.incomplete")
        add(
            "trust-root-key-signature-header-extra-member", "root-1 pinned with a v1 whose only signature header has an extra member",
            updates: [v1Signed(["{\"alg\":\"EdDSA\",\"jku\":\"https://example.com\",\"kid\":\"\(root1ID)\",\"typ\":\"\(TrustedRoot.type)\"}"])],
            code: "trust.incomplete")
        add(
            "valid-bad-signature-entries-ignored",
            "v1 with three signature entries: an unknown kid, another typ, then root-1's good one: entries that do not count are ignored",
            updates: [
                v1Signed([
                    "{\"alg\":\"EdDSA\",\"kid\":\"grk-0000000000000000\",\"typ\":\"\(TrustedRoot.type)\"}",
                    "{\"alg\":\"EdDSA\",\"kid\":\"\(root1ID)\",\"typ\":\"\(Endorsement.type)\"}", goodRootHeader,
                ])
            ])
        let twoRootsBody = body(1, at: t0, roots: [root1, root2], issuers: [entry(issuer1, from: t0, to: nil, status: .active)], threshold: 2)
        add(
            "trust-root-key-below-threshold", "root-1 pinned with a v1 that needs 2 of root-1 and root-2 but carries only root-1's signature",
            updates: [json(try! TrustedRoot.sign(twoRootsBody, with: [root1]))], code: "trust.incomplete")
        add("valid-threshold-two", "the same v1 signed by both roots", updates: [json(try! TrustedRoot.sign(twoRootsBody, with: [root1, root2]))])
        add("valid-updates-out-of-order", "root-1 pinned with v3, v1 and v2 in that order", updates: [v3, v1, v2])
        let v2Other = json(
            try! TrustedRoot.sign(body(2, at: t1 + day, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)]), with: [root1])
        )
        add("trust-conflict", "two different documents, both signed by root-1, claim version 2", updates: [v1, v2, v2Other], code: "trust.conflict")
        add("trust-conflict-with-pinned", "v2 pinned and a different version 2 given as well", trust: v2, updates: [v2Other], code: "trust.conflict")
        add("valid-duplicate-identical-document", "v1 given twice (the same document): not a conflict", updates: [v1, v1])
        add(
            "trust-stale",
            "root-1 with v1 and v2, verified as of 2026-05-25: v2 expired on 2026-03-31 and the verifier never saw v3, which revokes issuer-2 (the freeze attack)",
            certificate: json(attest(i2, at: compromise + 5 * day)), updates: [v1, v2], at: compromise + 40 * day, code: "trust.stale")
        add(
            "trust-stale-newest-version",
            "v1 is fresh but v2, the newest, was published with a 10-day expiry that has passed: freshness is judged by the newest version",
            updates: [
                v1, json(try! TrustedRoot.sign(body(2, at: t1, roots: [root1], issuers: self.v2Issuers, expires: t1 + 10 * day), with: [root1])),
            ],
            at: t1 + 12 * day, code: "trust.stale")
        add("trust-stale-at-expiry", "verified exactly at v1's expires (fresh only before it)", at: t0 + Self.validity, code: "trust.stale")
        add("valid-one-second-before-expiry", "verified one second before v1's expires", at: t0 + Self.validity - 1)
        add(
            "trust-no-expiry", "a trusted root without expires (as written before expiry existed) as the newest version",
            updates: [
                json(
                    try! TrustedRoot.sign(
                        body(1, at: t0, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)], expires: .some(nil)),
                        with: [root1]))
            ],
            code: "trust.stale")
        add(
            "valid-old-version-without-expiry", "v1 without expires followed by v2 with one: only the newest needs an expiry",
            updates: [
                json(
                    try! TrustedRoot.sign(
                        body(1, at: t0, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)], expires: .some(nil)),
                        with: [root1])), v2,
            ])
        add(
            "trust-unreadable-update", "one unreadable document among good ones",
            updates: [v1, Array("{\"payload\":\"\",\"signatures\":{}}".utf8), v2], code: "trust.unreadable")
        add(
            "revoked-after-compromise-root-key-pin",
            "issued by issuer-2 after its compromised_since, root key pinned with what trust export publishes (v1 to v3): revocation reaches a root-key verifier",
            certificate: json(attest(i2, at: compromise + 5 * day)), updates: [v3, v2, v1], code: "key.revoked")
        add(
            "retired-key-after-root-rotation",
            "issuer-1's certificate dated after its retirement, old root key pinned, following the root rotation (v1 to v4)",
            certificate: json(attest(i1, at: t3 + day)), updates: [v1, v2, v3, v4], code: "key.expired")

        let unsignedV1 = json(TrustedRoot(payload: self.v1.payload, signatures: []))
        add(
            "valid-copies-pool-signatures",
            "an unsigned copy of v1 given before the signed one: copies of one payload pool their signatures, so the order never matters",
            updates: [unsignedV1, v1])
        add("valid-copies-pool-signatures-reversed", "the same two copies in the other order", updates: [v1, unsignedV1])
        add(
            "valid-pinned-copy-unsigned",
            "an unsigned copy of v1 pinned, the signed v1 given as an update: the pinned version's signatures are pooled", trust: unsignedV1,
            updates: [v1])
        add(
            "trust-root-key-file-as-update", "root-1's key file given as a trusted-root document", updates: [v1, root1File], code: "trust.unreadable")

        // ---- well-formed trusted roots ----
        add(
            "trust-root-key-file-extra-member", "a root key file with an extra member",
            trust: Array(String(decoding: root1File, as: UTF8.self).replacingOccurrences(of: "{", with: "{\"comment\":\"x\",").utf8), updates: [v1],
            code: "trust.unreadable")
        add(
            "trust-root-key-file-wrong-type", "a root key file whose _type is another version",
            trust: Array(
                String(decoding: root1File, as: UTF8.self).replacingOccurrences(of: RootKeyFile.typeName, with: "greenmark-root-key/v2").utf8),
            updates: [v1], code: "trust.unreadable")
        add(
            "trust-document-extra-member", "a trusted-root document with a member beside payload and signatures",
            updates: [
                Array(
                    String(decoding: v1, as: UTF8.self).replacingOccurrences(of: "{\n  \"payload\"", with: "{\n  \"note\" : \"x\",\n  \"payload\"")
                        .utf8)
            ], code: "trust.unreadable")
        let v1Object = object(v1)
        var sigs = v1Object["signatures"] as! [[String: Any]]
        sigs[0]["header"] = ["kid": root1ID]
        add(
            "trust-signature-entry-extra-member", "a signature entry with an unprotected header beside protected and signature",
            updates: [serialize(["payload": v1Object["payload"]!, "signatures": sigs])], code: "trust.unreadable")
        add(
            "trust-issuing-key-id-mismatch", "an issuing-key entry whose key_id is not derived from its public key",
            updates: [issuerEdited { $0["key_id"] = SigningKeyID.issuer(self.issuer2.publicKey) }], code: "trust.unreadable")
        add(
            "trust-root-key-entry-id-mismatch", "a root-key entry whose key_id is not derived from its public key",
            updates: [
                v1Edited { b in
                    b["root_keys"] = [
                        ["key_id": root1ID, "public_key": Base64URL.encode(self.root2.publicKey.rawRepresentation)],
                        ["key_id": SigningKeyID.root(self.root2.publicKey), "public_key": Base64URL.encode(self.root1.publicKey.rawRepresentation)],
                    ]
                }
            ], code: "trust.unreadable")
        add(
            "trust-duplicate-issuing-key-id", "issuer-1 listed twice, once active and once revoked",
            updates: [
                v1Edited { b in
                    var keys = b["issuing_keys"] as! [[String: Any]]
                    var revoked = keys[0]
                    revoked["status"] = "revoked"
                    keys.append(revoked)
                    b["issuing_keys"] = keys
                }
            ], code: "trust.unreadable")
        add(
            "trust-threshold-above-root-count", "threshold 2 with one root key", updates: [v1Edited { $0["threshold"] = 2 }], code: "trust.unreadable"
        )
        add(
            "trust-retired-without-not-after", "a retired issuing key without not_after", updates: [issuerEdited { $0["status"] = "retired" }],
            code: "trust.unreadable")
        add(
            "trust-compromised-since-on-active-key", "an active issuing key with compromised_since",
            updates: [issuerEdited { $0["compromised_since"] = Timestamp.format(self.t1) }], code: "trust.unreadable")
        add(
            "trust-unknown-status", "an issuing key with status suspended", updates: [issuerEdited { $0["status"] = "suspended" }],
            code: "trust.unreadable")
        add(
            "trust-missing-not-before", "an issuing key without not_before", updates: [issuerEdited { $0["not_before"] = nil }],
            code: "trust.unreadable")
        add(
            "trust-unknown-watermark-state", "a watermark key with state archived",
            updates: [
                v1Edited { b in
                    var keys = b["watermark_keys"] as! [[String: Any]]
                    keys[0]["state"] = "archived"
                    b["watermark_keys"] = keys
                }
            ], code: "trust.unreadable")
        add(
            "trust-version-not-integer", "version written as 1.0",
            updates: [v1EditedText { $0 = $0.replacingOccurrences(of: "\"version\":1", with: "\"version\":1.0") }], code: "trust.unreadable")
        add(
            "trust-expires-not-a-date", "expires on 2026-02-30", updates: [v1Edited { $0["expires"] = "2026-02-30T00:00:00Z" }],
            code: "trust.unreadable")
        add(
            "trust-public-key-31-bytes", "an issuing key whose public key is 31 bytes (key_id derived from them)",
            updates: [
                issuerEdited { k in
                    let raw = [UInt8](repeating: 7, count: 31)
                    k["public_key"] = Base64URL.encode(raw)
                    k["key_id"] = "gik-" + String(Hex.encode(SHA256Digest.hash(raw)).prefix(16))
                }
            ], code: "trust.unreadable")
        add(
            "valid-trusted-root-unknown-member", "a signed body with a member this version does not define (ignored)",
            updates: [v1Edited { $0["x_comment"] = "a later field" }])

        // ---- the certificate file ----
        add(
            "format-extra-top-level-member", "a general-JWS signatures array beside the flattened members",
            certificate: Array(goodText.replacingOccurrences(of: "{\n  \"header\"", with: "{\n  \"signatures\" : [],\n  \"header\"").utf8),
            code: "format.invalid")
        add(
            "format-unprotected-kid", "an unprotected kid beside the endorsement",
            certificate: Array(
                goodText.replacingOccurrences(of: "\"endorsement\" : {", with: "\"kid\" : \"\(kid1)\",\n    \"endorsement\" : {").utf8),
            code: "format.invalid")
        var outer = object(goodBytes)
        var unprotected = outer["header"] as! [String: Any]
        var endorsementObject = unprotected["endorsement"] as! [String: Any]
        endorsementObject["x5c"] = ["..."]
        unprotected["endorsement"] = endorsementObject
        outer["header"] = unprotected
        add(
            "format-endorsement-extra-member", "an endorsement with a member beside protected, payload and signature", certificate: serialize(outer),
            code: "format.invalid")
        outer = object(goodBytes)
        outer["header"] = ["endorsement": "none"]
        add("format-endorsement-not-object", "an endorsement that is a string", certificate: serialize(outer), code: "format.invalid")
        add(
            "format-byte-order-mark", "the certificate file starts with a UTF-8 byte-order mark", certificate: [0xEF, 0xBB, 0xBF] + goodBytes,
            code: "format.invalid")
        add(
            "format-utf16le-without-bom", "the certificate file in UTF-16LE without a byte-order mark",
            certificate: Array(goodText.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), code: "format.invalid")
        add(
            "format-control-byte", "a raw 0x01 byte between members",
            certificate: Array(goodText.replacingOccurrences(of: "{\n  \"header\"", with: "{\u{01}\n  \"header\"").utf8), code: "format.invalid")
        add(
            "format-array", "the certificate wrapped in a JSON array", certificate: [UInt8(ascii: "[")] + goodBytes + [UInt8(ascii: "]")],
            code: "format.invalid")

        // ---- the protected header: order inside the stage ----
        let typ = SignedCertificate.type
        add(
            "header-extra-member-signed", "a validly signed protected header with a member beside alg, kid and typ",
            certificate: headed("{\"alg\":\"EdDSA\",\"kid\":\"\(kid1)\",\"typ\":\"\(typ)\",\"x5u\":\"https://example.com\"}"), code: "header.invalid")
        add(
            "header-kid-not-string", "kid is a number", certificate: headed("{\"alg\":\"EdDSA\",\"kid\":5,\"typ\":\"\(typ)\"}"),
            code: "header.invalid")
        add(
            "header-alg-not-string", "alg is a number", certificate: headed("{\"alg\":1,\"kid\":\"\(kid1)\",\"typ\":\"\(typ)\"}"),
            code: "header.algorithm_unsupported")
        add("header-typ-missing", "no typ", certificate: headed("{\"alg\":\"EdDSA\",\"kid\":\"\(kid1)\"}"), code: "header.type_mismatch")
        add(
            "header-alg-before-crit", "alg none and crit: alg is checked first",
            certificate: headed("{\"alg\":\"none\",\"crit\":[\"exp\"],\"kid\":\"\(kid1)\",\"typ\":\"\(typ)\"}"), code: "header.algorithm_unsupported")
        add(
            "header-crit-before-typ", "crit and a wrong typ: crit is checked before typ",
            certificate: headed("{\"alg\":\"EdDSA\",\"crit\":[\"exp\"],\"kid\":\"\(kid1)\",\"typ\":\"JWT\"}"), code: "header.critical_unsupported")
        add(
            "header-typ-before-kid", "a wrong typ and no kid: typ is checked before kid", certificate: headed("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}"),
            code: "header.type_mismatch")
        let goodProtected = Base64URL.encode(Array("{\"alg\":\"EdDSA\",\"kid\":\"\(kid1)\",\"typ\":\"\(typ)\"}".utf8))
        add(
            "header-base64-padded", "the protected header with = padding (signed over that string)",
            certificate: json(rawEncoded(protected: goodProtected + "=", payload: good.payload, key: issuer1, endorsement: good.header.endorsement)),
            code: "header.invalid")
        add(
            "header-base64-standard-alphabet", "the protected header in the standard base64 alphabet (+ and /)",
            certificate: json(
                rawEncoded(protected: "+/" + goodProtected.dropFirst(2), payload: good.payload, key: issuer1, endorsement: good.header.endorsement)),
            code: "header.invalid")
        add(
            "header-crit-null", "crit written as null: a member the header does not allow is refused even when null",
            certificate: headed("{\"alg\":\"EdDSA\",\"crit\":null,\"kid\":\"\(kid1)\",\"typ\":\"\(typ)\"}"), code: "header.critical_unsupported")
        add(
            "header-duplicate-kid-escaped", "kid twice, the second spelled k\\u0069d",
            certificate: headed("{\"alg\":\"EdDSA\",\"kid\":\"\(kid1)\",\"k\\u0069d\":\"gik-0000000000000000\",\"typ\":\"\(typ)\"}"),
            code: "header.invalid")

        // ---- the signature ----
        add(
            "signature-base64-padded", "the signature with = padding",
            certificate: json(
                SignedCertificate(payload: good.payload, protected: good.protected, signature: good.signature + "==", header: good.header)),
            code: "signature.invalid")
        let sig = try! Base64URL.decode(good.signature)
        add(
            "signature-65-bytes", "a valid signature followed by one extra byte",
            certificate: json(
                SignedCertificate(payload: good.payload, protected: good.protected, signature: Base64URL.encode(sig + [0]), header: good.header)),
            code: "signature.invalid")
        add(
            "signature-empty", "an empty signature",
            certificate: json(SignedCertificate(payload: good.payload, protected: good.protected, signature: "", header: good.header)),
            code: "signature.invalid")

        // ---- the statement ----
        let digest = CanonicalText.sha256(of: text)
        add(
            "statement-two-subjects", "two subjects (the text and another digest)",
            certificate: restated {
                $0["subject"] = [
                    ["name": "text", "digest": ["sha256": digest]], ["name": "text", "digest": ["sha256": String(repeating: "0", count: 64)]],
                ]
            }, code: "statement.invalid")
        add("statement-no-subject", "an empty subject list", certificate: restated { $0["subject"] = [Any]() }, code: "statement.invalid")
        add(
            "statement-subject-name", "a subject named essay",
            certificate: restated { $0["subject"] = [["name": "essay", "digest": ["sha256": digest]]] }, code: "statement.invalid")
        add(
            "statement-digest-extra-algorithm", "a digest with sha512 beside sha256",
            certificate: restated {
                $0["subject"] = [["name": "text", "digest": ["sha256": digest, "sha512": String(repeating: "0", count: 128)]]]
            }, code: "statement.invalid")
        add(
            "statement-subject-extra-member", "a subject with a uri beside name and digest",
            certificate: restated { $0["subject"] = [["name": "text", "digest": ["sha256": digest], "uri": "https://example.com"]] },
            code: "statement.invalid")
        add(
            "statement-extra-member", "a statement member beside _type, subject, predicateType and predicate",
            certificate: restated { $0["note"] = "x" }, code: "statement.invalid")
        add(
            "statement-type-v01", "an in-toto Statement v0.1", certificate: restated { $0["_type"] = "https://in-toto.io/Statement/v0.1" },
            code: "statement.invalid")
        add(
            "statement-predicate-not-object", "a predicate that is a string", certificate: restated { $0["predicate"] = "watermarked" },
            code: "statement.invalid")
        add(
            "statement-number-with-fraction", "tokens_scored written as 140.0",
            certificate: restatedText { $0 = $0.replacingOccurrences(of: "\"tokens_scored\":140", with: "\"tokens_scored\":140.0") },
            code: "statement.invalid")
        add(
            "statement-number-with-exponent", "green_tokens written as 81e0",
            certificate: restatedText { $0 = $0.replacingOccurrences(of: "\"green_tokens\":81", with: "\"green_tokens\":81e0") },
            code: "statement.invalid")
        add(
            "statement-integer-too-large", "keys_tried 2^53",
            certificate: restatedText { $0 = $0.replacingOccurrences(of: "\"keys_tried\":1", with: "\"keys_tried\":9007199254740992") },
            code: "statement.invalid")
        add(
            "statement-missing-verdict", "a detection predicate without verdict", certificate: predicate { $0["verdict"] = nil },
            code: "statement.invalid")
        add(
            "statement-tokens-as-string", "tokens_scored as the string \"140\"", certificate: predicate { $0["tokens_scored"] = "140" },
            code: "statement.invalid")
        add(
            "statement-canonicalization-missing", "no text_canonicalization", certificate: predicate { $0["text_canonicalization"] = nil },
            code: "statement.invalid")
        add(
            "valid-predicate-unknown-member", "a predicate member this version does not define (ignored)",
            certificate: predicate { $0["note"] = "reviewed by hand" })
        let deep = (0..<31).reduce("0") { inner, _ in "[\(inner)]" }
        add(
            "statement-nesting-too-deep", "a predicate member nested 33 deep (the limit is 32)",
            certificate: restatedText { $0 = $0.replacingOccurrences(of: "\"predicate\":{", with: "\"predicate\":{\"note\":\(deep),") },
            code: "statement.invalid")
        let deepOK = (0..<30).reduce("0") { inner, _ in "[\(inner)]" }
        add(
            "valid-nesting-32", "a predicate member nested exactly 32 deep",
            certificate: restatedText { $0 = $0.replacingOccurrences(of: "\"predicate\":{", with: "\"predicate\":{\"note\":\(deepOK),") })
        add(
            "statement-lone-surrogate", "a predicate string holding the escape \\ud800 alone (not Unicode text)",
            certificate: restatedText { $0 = $0.replacingOccurrences(of: "\"predicate\":{", with: "\"predicate\":{\"note\":\"\\ud800\",") },
            code: "statement.invalid")
        add(
            "valid-surrogate-pair-escape", "a predicate string holding the escaped pair \\ud83d\\ude42 (one character)",
            certificate: restatedText { $0 = $0.replacingOccurrences(of: "\"predicate\":{", with: "\"predicate\":{\"note\":\"\\ud83d\\ude42\",") })
        add(
            "statement-gamma-threshold-too-large", "scheme gamma_threshold 2^40 (the range is 0 to 2^32 - 1)",
            certificate: predicate { p in
                var scheme = p["scheme"] as! [String: Any]
                scheme["gamma_threshold"] = 1_099_511_627_776
                p["scheme"] = scheme
            }, code: "statement.invalid")
        add(
            "valid-optional-member-null", "watermark_key_commitment null (optional members may be null)",
            certificate: predicate { $0["watermark_key_commitment"] = NSNull() })
        for (name, why, value) in [
            ("statement-issued-at-february-30", "issued_at on February 30", "2026-02-30T00:00:00Z"),
            ("statement-issued-at-hour-24", "issued_at at T24:00:00", "2026-01-01T24:00:00Z"),
            ("statement-issued-at-leap-second", "issued_at with second 60", "2026-01-01T23:59:60Z"),
            ("statement-issued-at-fullwidth-digits", "issued_at with full-width digits", "２０２６-01-02T00:00:00Z"),
            ("statement-issued-at-arabic-indic-digits", "issued_at with Arabic-Indic digits", "٢٠٢٦-01-02T00:00:00Z"),
            ("statement-issued-at-lowercase", "issued_at with lowercase t and z", "2026-01-02t00:00:00z"),
            ("statement-issued-at-year-zero", "issued_at in year 0000", "0000-01-02T00:00:00Z"),
            ("statement-issued-at-february-29-2026", "issued_at on February 29 of a common year", "2026-02-29T00:00:00Z"),
        ] {
            add(name, why, certificate: predicate { $0["issued_at"] = value }, code: "statement.invalid")
        }
        add(
            "valid-issued-at-leap-day", "issued_at on February 29, 2028 (a leap year), verified in 2028 with a fresh trusted root",
            certificate: json(attest(i1, at: Self.date("2028-02-29T12:00:00Z"))),
            updates: [
                json(
                    try! TrustedRoot.sign(
                        body(
                            1, at: t0, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)],
                            expires: Self.date("2028-06-01T00:00:00Z")), with: [root1]))
            ],
            at: Self.date("2028-03-01T00:00:00Z"))
        var payloadBytes = payload(of: good)
        while payloadBytes.count % 3 != 1 { payloadBytes.append(0x20) }
        var noncanonical = Array(Base64URL.encode(payloadBytes).utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        noncanonical[noncanonical.count - 1] = alphabet[alphabet.firstIndex(of: noncanonical.last!)! + 1]
        add(
            "statement-payload-not-ascii",
            "a payload string with a non-ASCII character, validly signed over its UTF-8 bytes: the signature holds, the payload is not base64url",
            certificate: json(rawEncoded(protected: good.protected, payload: good.payload + "é", key: issuer1, endorsement: good.header.endorsement)),
            code: "statement.invalid")
        add(
            "statement-base64-trailing-bits", "a payload whose last base64url character has non-zero unused bits (signed over that string)",
            certificate: json(
                rawEncoded(
                    protected: good.protected, payload: String(decoding: noncanonical, as: UTF8.self), key: issuer1,
                    endorsement: good.header.endorsement)), code: "statement.invalid")

        // ---- arithmetic consistency of detection attestations ----
        add(
            "statement-z-inconsistent", "z_score 7.2500 where 81 green of 140 at gamma 0.25 gives 8.9783",
            certificate: predicate { $0["z_score"] = "7.2500" }, code: "statement.inconsistent")
        add(
            "statement-z-not-fixed-form", "z_score written with two decimals", certificate: predicate { $0["z_score"] = "8.98" },
            code: "statement.inconsistent")
        add(
            "statement-p-inconsistent",
            "p_value 2.100e-13 and log10_p_value -12.6778 (agreeing with each other) where the exact tail of 81 of 140 at 0.25 is about 1.6e-16, without span search",
            certificate: predicate {
                $0["p_value"] = "2.100e-13"
                $0["log10_p_value"] = "-12.6778"
            }, code: "statement.inconsistent")
        add(
            "statement-log10-disagrees", "log10_p_value -10.0000 beside the right p_value",
            certificate: predicate { $0["log10_p_value"] = "-10.0000" }, code: "statement.inconsistent")
        add(
            "statement-too-short-rule", "verdict watermarked with 140 tokens scored and min_tokens 200",
            certificate: predicate { $0["min_tokens"] = 200 }, code: "statement.inconsistent")
        add(
            "statement-verdict-contradicts", "verdict no_watermark for z 8.98 and p 1.6e-16 without span search",
            certificate: predicate { $0["verdict"] = "no_watermark" }, code: "statement.inconsistent")
        add(
            "statement-green-above-scored", "green_tokens 141 of 140 scored", certificate: predicate { $0["green_tokens"] = 141 },
            code: "statement.inconsistent")
        add(
            "statement-watermarked-above-threshold", "a span-search attestation, watermarked with p_value 1.000e-02 above p_threshold 3.167e-05",
            certificate: predicate {
                $0["search_spans"] = true
                $0["p_value"] = "1.000e-02"
                $0["log10_p_value"] = "-2.0000"
            }, code: "statement.inconsistent")
        add(
            "statement-gamma-threshold-mismatch", "scheme gamma 0.25 with gamma_threshold 2^30 + 1 (floor(0.25 * 2^32) is 2^30)",
            certificate: predicate { p in
                var scheme = p["scheme"] as! [String: Any]
                scheme["gamma_threshold"] = 1_073_741_825
                p["scheme"] = scheme
            }, code: "statement.inconsistent")
        add(
            "statement-gamma-not-decimal", "scheme gamma written as 1/4",
            certificate: predicate { p in
                var scheme = p["scheme"] as! [String: Any]
                scheme["gamma"] = "1/4"
                p["scheme"] = scheme
            }, code: "statement.inconsistent")
        add(
            "valid-p-below-1e-300",
            "a span-search attestation with p_value 1.000e-305 and log10_p_value -300.0000: below 1e-300 only log10 < -299 is required (binary64 loses the digits there)",
            certificate: predicate {
                $0["search_spans"] = true
                $0["p_value"] = "1.000e-305"
                $0["log10_p_value"] = "-300.0000"
            })
        add(
            "statement-p-below-1e-300-log10-too-high", "p_value 1.000e-305 with log10_p_value -298.0000 (span search)",
            certificate: predicate {
                $0["search_spans"] = true
                $0["p_value"] = "1.000e-305"
                $0["log10_p_value"] = "-298.0000"
            }, code: "statement.inconsistent")
        add(
            "valid-span-search-p-value",
            "a span-search attestation: the p-value is the deciding window's, corrected for the windows (not recomputed), below p_threshold",
            certificate: predicate {
                $0["search_spans"] = true
                $0["p_value"] = "1.000e-10"
                $0["log10_p_value"] = "-10.0000"
            })
        add(
            "valid-attestation-before-search-spans",
            "an attestation issued before search_spans and p_threshold were recorded: z, the too_short rule and the p/log10 agreement are checked",
            certificate: predicate {
                $0["search_spans"] = nil
                $0["p_threshold"] = nil
            })

        // ---- time: the verification time and window edges ----
        add(
            "time-future", "issued 301 seconds after the verification time", certificate: json(attest(i1, at: t0 + day)), at: t0 + day - 301,
            code: "time.future")
        add(
            "valid-time-skew", "issued 300 seconds after the verification time (inside the allowed skew)",
            certificate: json(attest(i1, at: t0 + day)), at: t0 + day - 300)
        add(
            "time-future-stolen-key", "issuer-3 signs a certificate dated 2099 (a stolen key pre-dating its revocation)",
            certificate: json(attest(i3, at: Self.date("2099-01-01T00:00:00Z"))), updates: [v1, v2, v3], code: "time.future")
        add(
            "time-future-before-window", "a certificate both in the future and before its key's window: time.future is checked first",
            certificate: json(attest(i2, at: t0 + day)), updates: [v1, v2], at: t0, code: "time.future")
        add(
            "valid-issued-at-not-after", "issued by issuer-1 exactly at its not_after (the window includes both ends)",
            certificate: json(attest(i1, at: t1)), updates: [v1, v2])
        add(
            "key-expired-one-second", "issued by issuer-1 one second after its not_after", certificate: json(attest(i1, at: t1 + 1)),
            updates: [v1, v2], code: "key.expired")
        add("valid-issued-at-not-before", "issued by issuer-2 exactly at its not_before", certificate: json(attest(i2, at: t1)), updates: [v1, v2])
        add(
            "key-not-yet-valid-one-second", "issued by issuer-2 one second before its not_before", certificate: json(attest(i2, at: t1 - 1)),
            updates: [v1, v2], code: "key.not_yet_valid")
        add(
            "valid-one-second-before-compromise", "issued by issuer-2 one second before compromised_since",
            certificate: json(attest(i2, at: compromise - 1)), trust: v3, updates: [])
        var forever = v3Issuers
        forever[1].compromisedSince = nil
        add(
            "key-revoked-for-all-time", "issuer-2 revoked without compromised_since: every certificate fails, even one from its first day",
            certificate: json(attest(i2, at: t1 + day)),
            trust: json(try! TrustedRoot.sign(body(3, at: t2, roots: [root1], issuers: forever), with: [root1])), code: "key.revoked")
        add(
            "key-expired-before-revoked", "issued by revoked issuer-2 after its window closed: key.expired is checked before key.revoked",
            certificate: json(attest(i2, at: t2 + day)), trust: v3, code: "key.expired")

        // ---- text ----
        let newEmoji = "An essay that ends with a shaking face \u{1FAE8}, added in Unicode 15."
        func certified(_ t: String) -> [UInt8] {
            let st = Statement(
                textSHA256: CanonicalText.sha256(of: t),
                predicate: (try! JSONDecoder().decode(Statement.self, from: Data(payload(of: good)))).predicate)
            return json(raw(header: header, payload: Array(try! JWS.canonicalEncoder.encode(st)), key: issuer1, endorsement: good.header.endorsement))
        }
        add(
            "text-unassigned-unicode-15",
            "the text holds U+1FAE8 (assigned in Unicode 15.0), with a certificate for its digest: no canonical form in greenmark-text-v1",
            certificate: certified(newEmoji), text: Array(newEmoji.utf8), code: "text.unassigned")
        let nonCharacter = "A text with a noncharacter \u{FFFE} inside."
        add(
            "text-noncharacter", "the text holds the noncharacter U+FFFE (never assigned)", certificate: certified(nonCharacter),
            text: Array(nonCharacter.utf8), code: "text.unassigned")
        let privateUse = "A text with a private-use character \u{E000} (assigned, category Co)."
        add(
            "valid-text-private-use", "private-use code points are assigned: the text verifies", certificate: certified(privateUse),
            text: Array(privateUse.utf8))
        add(
            "valid-text-byte-order-mark", "the certified text saved with a UTF-8 byte-order mark (U+FEFF is trimmed by canonicalization)",
            text: [0xEF, 0xBB, 0xBF] + textBytes)
        add(
            "text-utf16", "the certified text saved as UTF-16LE with a byte-order mark",
            text: [0xFF, 0xFE] + Array(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), code: "text.encoding_invalid")
        add(
            "text-appended-paragraph", "the certified text with a paragraph appended after many blank lines",
            text: textBytes + [UInt8](repeating: 0x0A, count: 5_000) + Array("THIS PARAGRAPH WAS ADDED LATER.".utf8), code: "text.digest.mismatch")
        _ = v4
        return c
    }
}
