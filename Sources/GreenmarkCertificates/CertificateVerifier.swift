import Foundation
import GreenmarkCore
import GreenmarkCrypto

/// Verifies certificates offline against a trust anchor. Every signature is checked before any
/// signed field is used, and the result lists every check with its code.
public struct CertificateVerifier: Sendable {
    /// Largest certificate accepted, in bytes.
    public static let maximumCertificateBytes = 256 * 1024

    public let anchor: TrustAnchor

    public init(anchor: TrustAnchor) {
        self.anchor = anchor
    }

    /// Verifies `certificate` (the file's bytes); when `text` is given, also that the certificate
    /// is about that text (canonical SHA-256).
    public func verify(certificate: [UInt8], text: [UInt8]?) -> VerificationReport {
        var list = CheckList()
        guard certificate.count <= Self.maximumCertificateBytes else {
            list.fail("format.too_large", "the certificate is \(certificate.count) bytes; the limit is \(Self.maximumCertificateBytes)")
            return list.report()
        }
        // RFC 8259: JSON exchanged between systems is UTF-8 (Foundation would also accept UTF-16/32).
        guard String(validating: certificate, as: UTF8.self) != nil, certificate.first != 0xEF,
              let cert = StrictJSON.decode(SignedCertificate.self, from: certificate) else {
            list.fail("format.invalid", "not a certificate: expected a JSON object with payload, protected, signature and header.endorsement")
            return list.report()
        }
        guard let headerBytes = try? Base64URL.decode(cert.protected),
              let headerObject = StrictJSON.object(headerBytes)
        else {
            list.fail("header.invalid", "the protected header is not base64url-encoded JSON")
            return list.report()
        }
        guard let alg = headerObject["alg"] as? String, alg == "EdDSA" else {
            list.fail("header.algorithm_unsupported", "only alg EdDSA (Ed25519) is accepted, got \(headerObject["alg"].map { "\($0)" } ?? "none")")
            return list.report()
        }
        guard headerObject["crit"] == nil, headerObject["b64"] == nil else {
            list.fail("header.critical_unsupported", "the protected header has critical or b64 parameters this verifier does not implement")
            return list.report()
        }
        guard headerObject["typ"] as? String == SignedCertificate.type else {
            list.fail("header.type_mismatch", "typ must be \(SignedCertificate.type)")
            return list.report()
        }
        guard let kid = headerObject["kid"] as? String else {
            list.fail("header.invalid", "the protected header has no kid")
            return list.report()
        }
        list.pass("header.valid", "EdDSA, kid \(kid)")

        // The issuing key: from the trusted root when one is pinned, else from the endorsement.
        guard let issuer = resolveIssuer(kid: kid, endorsement: cert.header.endorsement, &list) else { return list.report() }

        guard let signature = try? Base64URL.decode(cert.signature),
              issuer.key.isValidSignature(signature, for: JWS.signingInput(protected: cert.protected, payload: cert.payload))
        else {
            list.fail("signature.invalid", "the signature does not verify under issuing key \(kid)")
            return list.report()
        }
        list.pass("signature.valid", "Ed25519 signature by \(kid)")

        // Only now are signed fields read.
        guard let payload = try? Base64URL.decode(cert.payload),
              let statement = StrictJSON.decode(Statement.self, from: payload),
              statement.type == Statement.statementType,
              let digest = statement.textSHA256, Self.isLowercaseSHA256Hex(digest),
              statement.predicate.common.textCanonicalization == CanonicalText.version,
              let issuedAt = Timestamp.parse(statement.predicate.common.issuedAt)
        else {
            list.fail("statement.invalid", "the signed payload is not a Greenmark statement")
            return list.report()
        }
        guard statement.predicate.common.issuerKeyID == kid else {
            list.fail("key.id_mismatch", "the statement names issuer \(statement.predicate.common.issuerKeyID) but was signed by \(kid)")
            return list.report()
        }
        list.pass("statement.valid", "\(statement.predicate.kind.rawValue) \(statement.predicate.common.certificateID)")

        // Time: judged by the issuing key's window, and by revocation when a trusted root says so.
        if issuedAt < issuer.notBefore {
            list.fail("key.not_yet_valid", "issued at \(Timestamp.format(issuedAt)), before the key's window opens at \(Timestamp.format(issuer.notBefore))")
        } else if let notAfter = issuer.notAfter, issuedAt > notAfter {
            list.fail("key.expired", "issued at \(Timestamp.format(issuedAt)), after the key's window closed at \(Timestamp.format(notAfter))")
        } else if let compromised = issuer.compromisedSince, issuedAt >= compromised {
            list.fail("key.revoked", "issuing key \(kid) is revoked as compromised since \(Timestamp.format(compromised))")
        } else {
            list.pass("key.valid", "issued at \(Timestamp.format(issuedAt)) inside the key's window" + (issuer.compromisedSince != nil ? ", before its compromise" : ""))
        }

        if let text {
            if let string = String(validating: text, as: UTF8.self) {
                let actual = CanonicalText.sha256(of: string)
                if ConstantTime.equals(Array(actual.utf8), Array(digest.utf8)) {
                    list.pass("text.digest.match", "canonical SHA-256 \(actual)")
                } else {
                    list.fail("text.digest.mismatch", "the text's canonical SHA-256 is \(actual), the certificate names \(digest)")
                }
            } else {
                list.fail("text.encoding_invalid", "the text is not valid UTF-8")
            }
        }
        return list.report(kind: statement.predicate.kind, statement: statement)
    }

    /// The subject digest form: exactly 64 lowercase hex digits.
    static func isLowercaseSHA256Hex(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// A usable issuing key and its window.
    struct Issuer {
        let key: Ed25519PublicKey
        let notBefore: Date
        let notAfter: Date?
        let compromisedSince: Date?
    }

    private func resolveIssuer(kid: String, endorsement: Endorsement, _ list: inout CheckList) -> Issuer? {
        if let root = anchor.trustedRoot {
            guard let listed = root.issuingKey(kid) else {
                list.fail("key.unknown", "issuing key \(kid) is not in trusted root version \(root.version)")
                return nil
            }
            guard let raw = try? Base64URL.decode(listed.publicKey), let key = try? Ed25519PublicKey(rawRepresentation: raw),
                  SigningKeyID.issuer(key) == kid, let notBefore = Timestamp.parse(listed.notBefore)
            else {
                list.fail("key.id_mismatch", "the trusted root's entry for \(kid) does not match its public key")
                return nil
            }
            list.pass("key.trusted", "issuing key \(kid) is listed in trusted root version \(root.version) (\(listed.status.rawValue))")
            return Issuer(key: key, notBefore: notBefore, notAfter: listed.notAfter.flatMap(Timestamp.parse),
                          compromisedSince: listed.status == .revoked ? (listed.compromisedSince.flatMap(Timestamp.parse) ?? .distantPast) : nil)
        }
        guard let headerBytes = try? Base64URL.decode(endorsement.protected),
              let header = StrictJSON.decode(JWS.Header.self, from: headerBytes)
        else {
            list.fail("endorsement.invalid", "the endorsement's protected header is malformed")
            return nil
        }
        guard header.alg == "EdDSA", header.typ == Endorsement.type else {
            list.fail("endorsement.invalid", "the endorsement must be an EdDSA \(Endorsement.type)")
            return nil
        }
        guard let root = anchor.rootKeys.first(where: { $0.keyID == header.kid }),
              let rootRaw = try? Base64URL.decode(root.publicKey), let rootKey = try? Ed25519PublicKey(rawRepresentation: rootRaw)
        else {
            list.fail("endorsement.unknown_root", "the endorsement is signed by \(header.kid), which is not a pinned root key")
            return nil
        }
        guard let sig = try? Base64URL.decode(endorsement.signature),
              rootKey.isValidSignature(sig, for: JWS.signingInput(protected: endorsement.protected, payload: endorsement.payload))
        else {
            list.fail("endorsement.signature.invalid", "the endorsement's signature does not verify under root \(root.keyID)")
            return nil
        }
        guard let bodyBytes = try? Base64URL.decode(endorsement.payload),
              let body = StrictJSON.decode(Endorsement.Body.self, from: bodyBytes),
              body.type == Endorsement.Body.typeName,
              let raw = try? Base64URL.decode(body.publicKey), let key = try? Ed25519PublicKey(rawRepresentation: raw),
              let notBefore = Timestamp.parse(body.notBefore),
              // An unparseable not_after fails closed: it must not read as an open-ended window.
              body.notAfter.map({ Timestamp.parse($0) != nil }) ?? true
        else {
            list.fail("endorsement.invalid", "the endorsement's payload is malformed")
            return nil
        }
        guard SigningKeyID.issuer(key) == body.issuerKeyID, body.issuerKeyID == kid else {
            list.fail("key.id_mismatch", "the endorsed key \(body.issuerKeyID) is not the signing key \(kid)")
            return nil
        }
        list.pass("endorsement.valid", "root \(root.keyID) endorses \(kid)")
        return Issuer(key: key, notBefore: notBefore, notAfter: body.notAfter.flatMap(Timestamp.parse), compromisedSince: nil)
    }
}
