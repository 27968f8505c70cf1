import Foundation
import GreenmarkCrypto

/// A versioned, signed list of every root and issuing key with its validity window and status
/// (after Sigstore's TrustedRoot and TUF's root rotation). Version N+1 is valid only when signed
/// by a threshold of the root keys of version N and of version N+1.
public struct TrustedRoot: Codable, Sendable {
    /// JWS `typ` of trusted-root signatures.
    public static let type = "application/vnd.greenmark.trusted-root+jws"

    /// A root key.
    public struct RootKey: Codable, Sendable, Equatable {
        public let keyID: String
        public let publicKey: String

        public init(keyID: String, publicKey: String) {
            self.keyID = keyID
            self.publicKey = publicKey
        }

        enum CodingKeys: String, CodingKey {
            case keyID = "key_id"
            case publicKey = "public_key"
        }
    }

    /// Lifecycle of an issuing key.
    public enum IssuerStatus: String, Codable, Sendable {
        /// Signs new certificates.
        case active
        /// Rotated out: its certificates issued inside its window stay valid.
        case retired
        /// Compromised: certificates issued at or after `compromised_since` are invalid.
        case revoked
    }

    /// An issuing key.
    public struct IssuingKey: Codable, Sendable, Equatable {
        public let keyID: String
        public let publicKey: String
        public let notBefore: String
        public var notAfter: String?
        public var status: IssuerStatus
        public var compromisedSince: String?

        public init(keyID: String, publicKey: String, notBefore: String, notAfter: String?, status: IssuerStatus, compromisedSince: String?) {
            self.keyID = keyID
            self.publicKey = publicKey
            self.notBefore = notBefore
            self.notAfter = notAfter
            self.status = status
            self.compromisedSince = compromisedSince
        }

        enum CodingKeys: String, CodingKey {
            case keyID = "key_id"
            case publicKey = "public_key"
            case notBefore = "not_before"
            case notAfter = "not_after"
            case status
            case compromisedSince = "compromised_since"
        }
    }

    /// A watermark key's public facts.
    public struct WatermarkKeyInfo: Codable, Sendable, Equatable {
        public let keyID: String
        public let state: String
        public let scheme: SignedScheme

        public init(keyID: String, state: String, scheme: SignedScheme) {
            self.keyID = keyID
            self.state = state
            self.scheme = scheme
        }

        enum CodingKeys: String, CodingKey {
            case keyID = "key_id"
            case state, scheme
        }
    }

    /// The signed body.
    public struct Body: Codable, Sendable {
        public static let typeName = "greenmark-trusted-root/v1"

        public let type: String
        public let version: Int
        public let issuedAt: String
        /// When this version stops being fresh (RFC 3339): a verifier whose newest trusted root has
        /// expired refuses to accept certificates (`trust.stale`), so a revocation published in a
        /// later version cannot go unseen for longer than this window. Optional only on versions
        /// older than the newest a verifier holds (documents written before expiry existed).
        public let expires: String?
        public let threshold: Int
        public let rootKeys: [RootKey]
        public let issuingKeys: [IssuingKey]
        public let watermarkKeys: [WatermarkKeyInfo]

        public init(
            version: Int, issuedAt: String, expires: String?, threshold: Int, rootKeys: [RootKey], issuingKeys: [IssuingKey],
            watermarkKeys: [WatermarkKeyInfo]
        ) {
            self.type = Self.typeName
            self.version = version
            self.issuedAt = issuedAt
            self.expires = expires
            self.threshold = threshold
            self.rootKeys = rootKeys
            self.issuingKeys = issuingKeys
            self.watermarkKeys = watermarkKeys
        }

        enum CodingKeys: String, CodingKey {
            case type = "_type"
            case version
            case issuedAt = "issued_at"
            case expires
            case threshold
            case rootKeys = "root_keys"
            case issuingKeys = "issuing_keys"
            case watermarkKeys = "watermark_keys"
        }

        /// The issuing key with `id`.
        public func issuingKey(_ id: String) -> IssuingKey? { issuingKeys.first { $0.keyID == id } }
    }

    public let payload: String
    public let signatures: [JWS.Signature]

    public init(payload: String, signatures: [JWS.Signature]) {
        self.payload = payload
        self.signatures = signatures
    }

    /// Signs `body` with each of `keys`.
    public static func sign(_ body: Body, with keys: [Ed25519PrivateKey]) throws(CertificateError) -> TrustedRoot {
        let bytes = try JWS.canonicalBytes(of: body, "a trusted root")
        var payload = ""
        var signatures: [JWS.Signature] = []
        for key in keys {
            let (p, s) = try JWS.sign(payload: Array(bytes), key: key, kid: SigningKeyID.root(key.publicKey), typ: type)
            payload = p
            signatures.append(s)
        }
        return TrustedRoot(payload: payload, signatures: signatures)
    }

    /// The body, decoded without checking signatures (callers that trust it must verify first).
    public func unverifiedBody() throws(CertificateError) -> Body {
        do {
            return try JSONDecoder().decode(Body.self, from: Data(Base64URL.decode(payload)))
        } catch {
            throw CertificateError(.trustUnreadable, "the trusted root's payload is not a valid trusted-root body")
        }
    }

    /// How many distinct keys among `keys` made a signature over this document that counts: a
    /// protected header of exactly `alg` EdDSA, a `kid` among `keys` and the trusted-root `typ`,
    /// and a valid Ed25519 signature. Entries that do not count are ignored.
    public func validSignatureCount(keys: [RootKey]) -> Int {
        var signers = Set<String>()
        for s in signatures {
            guard let headerBytes = try? Base64URL.decode(s.protected),
                let header = StrictJSON.object(headerBytes), StrictJSON.hasExactlyStrings(header, ["alg", "kid", "typ"]),
                header["alg"] as? String == "EdDSA", header["typ"] as? String == Self.type,
                let root = keys.first(where: { $0.keyID == header["kid"] as? String }),
                let pub = Self.publicKey(root.publicKey), SigningKeyID.root(pub) == root.keyID,
                let sig = try? Base64URL.decode(s.signature), sig.count == 64,
                pub.isValidSignature(sig, for: JWS.signingInput(protected: s.protected, payload: payload))
            else { continue }
            signers.insert(root.keyID)
        }
        return signers.count
    }

    /// An Ed25519 public key from canonical base64url of exactly 32 bytes; nil otherwise.
    static func publicKey(_ base64url: String) -> Ed25519PublicKey? {
        guard let raw = try? Base64URL.decode(base64url), raw.count == 32 else { return nil }
        return try? Ed25519PublicKey(rawRepresentation: raw)
    }
}

extension TrustedRoot.Body {
    /// Watermark-key states a trusted root may list.
    static let watermarkStates: Set<String> = ["primary", "enabled", "disabled", "destroyed"]

    /// Whether the body follows every well-formedness rule of `docs/certificate-format.md`
    /// ("Well-formed trusted roots"); a body that does not is `trust.unreadable`.
    var isWellFormed: Bool {
        guard type == Self.typeName, version >= 1, Timestamp.parse(issuedAt) != nil,
            expires.map({ Timestamp.parse($0) != nil }) ?? true,
            !rootKeys.isEmpty, threshold >= 1, threshold <= rootKeys.count,
            Set(rootKeys.map(\.keyID)).count == rootKeys.count, Set(issuingKeys.map(\.keyID)).count == issuingKeys.count,
            rootKeys.allSatisfy({ r in TrustedRoot.publicKey(r.publicKey).map { SigningKeyID.root($0) == r.keyID } ?? false }),
            watermarkKeys.allSatisfy({ Self.watermarkStates.contains($0.state) })
        else { return false }
        return issuingKeys.allSatisfy { k in
            // An unparseable time fails closed: never "open-ended", never "not compromised".
            TrustedRoot.publicKey(k.publicKey).map { SigningKeyID.issuer($0) == k.keyID } ?? false
                && Timestamp.parse(k.notBefore) != nil
                && (k.notAfter.map { Timestamp.parse($0) != nil } ?? true)
                && (k.compromisedSince.map { Timestamp.parse($0) != nil } ?? true)
                && (k.status != .retired || k.notAfter != nil)
                && (k.compromisedSince == nil || k.status == .revoked)
        }
    }
}
