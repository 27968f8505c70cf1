import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto

/// A fixed example world for the conformance suite and `certs/examples`: keys derived from public
/// labels (EXAMPLE KEYS, published on purpose, never to be used for real), a fixed timeline of
/// rotations and a revocation, and builders for well-formed and deliberately broken certificates.
struct ConformanceWorld {
    static func seed(_ label: String) -> [UInt8] { SHA256Digest.hash(Array("greenmark/example/\(label)".utf8)) }
    static func key(_ label: String) -> Ed25519PrivateKey { try! Ed25519PrivateKey(seed: seed(label)) }
    static func date(_ s: String) -> Date { Timestamp.parse(s)! }

    let root1 = key("root-1"), root2 = key("root-2"), attackerRoot = key("attacker-root")
    let issuer1 = key("issuer-1"), issuer2 = key("issuer-2"), issuer3 = key("issuer-3"), attacker = key("attacker-issuer")

    // Timeline.
    let t0 = date("2026-01-01T00:00:00Z")  // v1: root-1, issuer-1 active
    let t1 = date("2026-03-01T00:00:00Z")  // v2: issuer-1 retired, issuer-2 active
    let compromise = date("2026-04-15T00:00:00Z")  // issuer-2 compromised since
    let t2 = date("2026-05-01T00:00:00Z")  // v3: issuer-2 revoked, issuer-3 active
    let t3 = date("2026-06-01T00:00:00Z")  // v4: root rotated to root-2 (signed by both)
    let lateCompromise = date("2026-06-15T00:00:00Z")  // issuer-1 (retired at t1) leaked since
    let t4 = date("2026-07-01T00:00:00Z")  // v5: retired issuer-1 revoked (keys revoke), by root-2
    let t5 = date("2026-08-01T00:00:00Z")  // v6: watermark key rotated (keys rotate): wk-2 primary, wk-1 enabled
    let t6 = date("2026-09-01T00:00:00Z")  // v7: wk-1 disabled (keys disable)
    let t7 = date("2026-10-01T00:00:00Z")  // v8: wk-1 destroyed (keys destroy)

    let text = """
        Watermarks let a reader check where a text came from. This short essay was generated for the \
        Greenmark conformance suite; its certificate states how it scored.\r\n\r\nA second paragraph keeps \
        the example realistic.   \n
        """
    let watermarkKey = try! WatermarkKey(secret: seed("watermark-1"), scheme: .leftHash, state: .primary)
    let watermarkKey2 = try! WatermarkKey(secret: seed("watermark-2"), scheme: .leftHash, state: .primary)

    func endorsement(_ issuer: Ed25519PrivateKey, from: Date, to: Date? = nil, by root: Ed25519PrivateKey) -> Endorsement {
        try! Endorsement.sign(issuer: issuer.publicKey, notBefore: from, notAfter: to, root: root)
    }

    /// An endorsement with an arbitrary protected header and payload, signed by `root`.
    func rawEndorsement(header: [String: Any], body: [String: Any], root: Ed25519PrivateKey) -> Endorsement {
        let protected = Base64URL.encode(try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let payload = Base64URL.encode(try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        let sig = try! root.signature(for: JWS.signingInput(protected: protected, payload: payload))
        return Endorsement(payload: payload, protected: protected, signature: Base64URL.encode(sig))
    }

    /// A trusted root over exact body bytes, signed by `keys` (for bodies the encoder cannot write).
    func rawTrustedRoot(body: [UInt8], keys: [Ed25519PrivateKey]) -> TrustedRoot {
        let payload = Base64URL.encode(body)
        return TrustedRoot(
            payload: payload,
            signatures: keys.map { key in
                let protected = Base64URL.encode(
                    try! JWS.canonicalEncoder.encode(JWS.Header(kid: SigningKeyID.root(key.publicKey), typ: TrustedRoot.type)))
                return JWS.Signature(
                    protected: protected,
                    signature: Base64URL.encode(try! key.signature(for: JWS.signingInput(protected: protected, payload: payload))))
            })
    }

    /// A certificate over exact protected-header and payload strings, signed by `key` over `signedInput` (default: the JWS signing input).
    func rawEncoded(protected: String, payload: String, key: Ed25519PrivateKey, endorsement: Endorsement, signedInput: [UInt8]? = nil)
        -> SignedCertificate
    {
        let sig = try! key.signature(for: signedInput ?? JWS.signingInput(protected: protected, payload: payload))
        return SignedCertificate(payload: payload, protected: protected, signature: Base64URL.encode(sig), header: .init(endorsement: endorsement))
    }

    func entry(_ k: Ed25519PrivateKey, from: Date, to: Date?, status: TrustedRoot.IssuerStatus, compromised: Date? = nil) -> TrustedRoot.IssuingKey {
        .init(
            keyID: SigningKeyID.issuer(k.publicKey), publicKey: Base64URL.encode(k.publicKey.rawRepresentation),
            notBefore: Timestamp.format(from), notAfter: to.map(Timestamp.format), status: status, compromisedSince: compromised.map(Timestamp.format)
        )
    }

    func rootKey(_ k: Ed25519PrivateKey) -> TrustedRoot.RootKey {
        .init(keyID: SigningKeyID.root(k.publicKey), publicKey: Base64URL.encode(k.publicKey.rawRepresentation))
    }

    /// How long each example trusted-root version stays fresh: the issuer's default, 30 days.
    static let validity: TimeInterval = 30 * 86_400

    func body(
        _ version: Int, at: Date, roots: [Ed25519PrivateKey], issuers: [TrustedRoot.IssuingKey],
        watermark: [(WatermarkKey, String)]? = nil, threshold: Int = 1, expires: Date?? = nil
    ) -> TrustedRoot.Body {
        .init(
            version: version, issuedAt: Timestamp.format(at), expires: (expires ?? at + Self.validity).map(Timestamp.format), threshold: threshold,
            rootKeys: roots.map(rootKey), issuingKeys: issuers,
            watermarkKeys: (watermark ?? [(watermarkKey, "primary")]).map { .init(keyID: $0.0.id, state: $0.1, scheme: SignedScheme($0.0.scheme)) })
    }

    var v1: TrustedRoot { try! .sign(body(1, at: t0, roots: [root1], issuers: [entry(issuer1, from: t0, to: nil, status: .active)]), with: [root1]) }
    var v2Issuers: [TrustedRoot.IssuingKey] {
        [entry(issuer1, from: t0, to: t1, status: .retired), entry(issuer2, from: t1, to: nil, status: .active)]
    }
    var v2: TrustedRoot { try! .sign(body(2, at: t1, roots: [root1], issuers: v2Issuers), with: [root1]) }
    var v3Issuers: [TrustedRoot.IssuingKey] {
        [
            entry(issuer1, from: t0, to: t1, status: .retired), entry(issuer2, from: t1, to: t2, status: .revoked, compromised: compromise),
            entry(issuer3, from: t2, to: nil, status: .active),
        ]
    }
    var v3: TrustedRoot { try! .sign(body(3, at: t2, roots: [root1], issuers: v3Issuers), with: [root1]) }
    var v4: TrustedRoot { try! .sign(body(4, at: t3, roots: [root2], issuers: v3Issuers), with: [root1, root2]) }
    /// `greenmark keys revoke` of the retired issuer-1, compromised after its retirement.
    var v5Issuers: [TrustedRoot.IssuingKey] {
        [entry(issuer1, from: t0, to: t1, status: .revoked, compromised: lateCompromise)] + v3Issuers.dropFirst()
    }
    var v5: TrustedRoot { try! .sign(body(5, at: t4, roots: [root2], issuers: v5Issuers), with: [root2]) }
    /// Watermark-key changes: each publishes a new version (signed by the current root, root-2).
    var v6: TrustedRoot {
        try! .sign(
            body(6, at: t5, roots: [root2], issuers: v5Issuers, watermark: [(watermarkKey, "enabled"), (watermarkKey2, "primary")]), with: [root2])
    }
    var v7: TrustedRoot {
        try! .sign(
            body(7, at: t6, roots: [root2], issuers: v5Issuers, watermark: [(watermarkKey, "disabled"), (watermarkKey2, "primary")]), with: [root2])
    }
    var v8: TrustedRoot {
        try! .sign(
            body(8, at: t7, roots: [root2], issuers: v5Issuers, watermark: [(watermarkKey, "destroyed"), (watermarkKey2, "primary")]), with: [root2])
    }

    func issuer(_ k: Ed25519PrivateKey, endorsedFrom: Date, by root: Ed25519PrivateKey? = nil) -> CertificateIssuer {
        CertificateIssuer(key: k, endorsement: endorsement(k, from: endorsedFrom, by: root ?? root1))
    }

    /// A detection result for `text` as the detector would report it: 81 green of 140 scored at
    /// γ 0.25, with the z-score and exact binomial p-value those numbers give (one key tried).
    func detection(for text: String) -> DetectionResult {
        let tail = BinomialTail.upper(successes: 81, trials: 140, probability: 0.25)
        return DetectionResult(
            zScore: ZScore.of(green: 81, scored: 140, gamma: 0.25), pValue: tail.probability, log10PValue: tail.log10Probability,
            tokensScored: 140, greenTokens: 81, tokensTotal: 141,
            verdict: .watermarked, moreTokensNeeded: nil, keyID: watermarkKey.id, scheme: .leftHash, zThreshold: 4,
            pThreshold: 3.167124183311986e-05, minimumScoredTokens: 50, normalized: false,
            tokenizer: "SmolLM2-135M-Instruct.Q4_1.gguf", mask: nil)
    }

    func attest(_ issuer: CertificateIssuer, at: Date, text: String? = nil) -> SignedCertificate {
        try! issuer.attestDetection(text: text ?? self.text, result: detection(for: text ?? self.text), vocabulary: "vocab-8243a2e96c0b2b0d", at: at)
    }

    func receipt(_ issuer: CertificateIssuer, at: Date) -> SignedCertificate {
        try! issuer.receipt(
            text: text, keyID: watermarkKey.id, scheme: .leftHash,
            model: .init(name: "SmolLM2-135M-Instruct.Q4_1.gguf", sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"),
            promptSHA256: Hex.encode(SHA256Digest.hash(Array("Write about watermarks.".utf8))), tokens: 57, delta: 2,
            sampling: .init(temperature: "1.0000", topK: 0, topP: "1.0000", seed: "7"), finishReason: "end_of_generation",
            generatedAt: at, at: at)
    }

    /// A certificate with an arbitrary protected header and payload, signed by `key`.
    func raw(header: [String: Any], payload: [UInt8], key: Ed25519PrivateKey, endorsement: Endorsement) -> SignedCertificate {
        let protected = Base64URL.encode(try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let encodedPayload = Base64URL.encode(payload)
        let sig = try! key.signature(for: JWS.signingInput(protected: protected, payload: encodedPayload))
        return SignedCertificate(
            payload: encodedPayload, protected: protected, signature: Base64URL.encode(sig), header: .init(endorsement: endorsement))
    }

    func payload(of cert: SignedCertificate) -> [UInt8] { try! Base64URL.decode(cert.payload) }

    func json(_ value: some Encodable) -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try! e.encode(value)) + [0x0a]
    }

    func rootKeyFile(_ k: Ed25519PrivateKey) -> [UInt8] { json(RootKeyFile(k.publicKey)) }

    /// A case's verification time when it names none: 20 days after the newest `issued_at` among
    /// the trusted roots it supplies (inside their 30-day validity, after every certificate of
    /// the timeline), or 20 days after t0 when none is readable.
    func defaultTime(for c: ConformanceCase) -> Date {
        let issued = ([c.trust] + c.updates).compactMap { bytes -> Date? in
            guard let root = try? JSONDecoder().decode(TrustedRoot.self, from: Data(bytes)), let body = try? root.unverifiedBody() else { return nil }
            return Timestamp.parse(body.issuedAt)
        }
        return (issued.max() ?? t0) + 20 * 86_400
    }

    /// The report a conforming verifier gives for a case: the success checks of every stage
    /// before the failing one, then the failing code (`docs/certificate-format.md`, "Verification").
    static func expectedChecks(failing code: String?) -> [String] {
        let passes = [
            "trust.valid", "format.valid", "header.valid", "key.trusted", "signature.valid", "statement.valid", "key.valid", "text.digest.match",
        ]
        guard let code else { return passes }
        let stage: Int
        switch code {
        case let c where c.hasPrefix("trust."): stage = 0
        case let c where c.hasPrefix("format."): stage = 1
        case let c where c.hasPrefix("header."): stage = 2
        case "key.unknown": stage = 3
        case let c where c.hasPrefix("signature."): stage = 4
        case "statement.invalid", "key.id_mismatch", "statement.inconsistent": stage = 5
        case "time.future", "key.not_yet_valid", "key.expired", "key.revoked": stage = 6
        default: stage = 7
        }
        return Array(passes.prefix(stage)) + [code]
    }
}
