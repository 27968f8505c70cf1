import Foundation
import GreenmarkCore
import GreenmarkCrypto

/// Verifies certificates offline against a trust anchor. Every signature is checked before any
/// signed field is used, and the result lists every check with its code.
public struct CertificateVerifier: Sendable {
    /// Largest certificate accepted, in bytes.
    public static let maximumCertificateBytes = 256 * 1024

    /// Largest text accepted, in bytes (64 MiB): verifiers read the whole text or refuse it.
    public static let maximumTextBytes = 64 << 20
    /// How far `issued_at` may lie after the verification time (clocks that disagree by minutes).
    public static let clockSkew: TimeInterval = 300

    public let anchor: TrustAnchor

    public init(anchor: TrustAnchor) {
        self.anchor = anchor
    }

    /// Verifies `certificate` (the file's bytes) as of `at`; when `text` is given, also that the
    /// certificate is about that text (canonical SHA-256). The stages and their order are those of
    /// `docs/certificate-format.md`, "Verification".
    public func verify(certificate: [UInt8], text: [UInt8]?, at: Date = Date()) -> VerificationReport {
        let at = Timestamp.wholeSeconds(at)
        var list = CheckList()
        guard certificate.count <= Self.maximumCertificateBytes else {
            list.fail(.formatTooLarge, "the certificate is \(certificate.count) bytes; the limit is \(Self.maximumCertificateBytes)")
            return list.report()
        }
        // Each document is parsed once (`StrictJSONParser`: the JSON profile, no repeated names) and
        // its exact member set checked before anything is decoded from the parsed value.
        guard let outer = StrictJSON.parse(certificate)?.object,
            outer.hasExactly(["protected", "payload", "signature", "header"]),
            let header = outer["header"]?.object, header.hasExactly(["endorsement"]),
            header["endorsement"]?.object?.hasExactlyStrings(["protected", "payload", "signature"]) == true,
            let cert = StrictJSON.decode(SignedCertificate.self, from: .object(outer))
        else {
            list.fail(.formatInvalid, "not a certificate: expected one JSON object with exactly protected, payload, signature and header.endorsement")
            return list.report()
        }
        list.pass(.formatValid, "a flattened JWS of \(certificate.count) bytes")
        guard let headerBytes = try? Base64URL.decode(cert.protected),
            let headerObject = StrictJSON.parse(headerBytes)?.object
        else {
            list.fail(.headerInvalid, "the protected header is not base64url-encoded JSON")
            return list.report()
        }
        guard let alg = headerObject["alg"]?.string, alg == "EdDSA" else {
            let got = headerObject.dictionary["alg"].map { "\($0)" } ?? "none"
            list.fail(.headerAlgorithmUnsupported, "only alg EdDSA (Ed25519) is accepted, got \(got)")
            return list.report()
        }
        guard headerObject["crit"] == nil, headerObject["b64"] == nil else {
            list.fail(.headerCriticalUnsupported, "the protected header has critical or b64 parameters this verifier does not implement")
            return list.report()
        }
        guard headerObject["typ"]?.string == SignedCertificate.type else {
            list.fail(.headerTypeMismatch, "typ must be \(SignedCertificate.type)")
            return list.report()
        }
        guard let kid = headerObject["kid"]?.string, headerObject.hasExactly(["alg", "kid", "typ"]) else {
            list.fail(.headerInvalid, "the protected header must have exactly alg, kid (a string) and typ")
            return list.report()
        }
        list.pass(.headerValid, "EdDSA, kid \(kid)")

        let root = anchor.trustedRoot
        guard let listed = root.issuingKey(kid), let key = TrustedRoot.publicKey(listed.publicKey), let notBefore = Timestamp.parse(listed.notBefore)
        else {
            list.fail(.keyUnknown, "issuing key \(kid) is not in trusted root version \(root.version)")
            return list.report()
        }
        list.pass(.keyTrusted, "issuing key \(kid) is listed in trusted root version \(root.version) (\(listed.status.rawValue))")

        guard let signature = try? Base64URL.decode(cert.signature), signature.count == 64,
            key.isValidSignature(signature, for: JWS.signingInput(protected: cert.protected, payload: cert.payload))
        else {
            list.fail(.signatureInvalid, "the signature does not verify under issuing key \(kid)")
            return list.report()
        }
        list.pass(.signatureValid, "Ed25519 signature by \(kid)")

        // Only now are signed fields read.
        guard let payload = try? Base64URL.decode(cert.payload),
            let statementValue = StrictJSON.parse(payload), let statementObject = statementValue.object,
            Self.hasStatementShape(statementObject),
            let statement = StrictJSON.decode(Statement.self, from: statementValue),
            statement.type == Statement.statementType,
            let digest = statement.textSHA256, Self.isLowercaseSHA256Hex(digest),
            statement.predicate.common.textCanonicalization == CanonicalText.version,
            let issuedAt = Timestamp.parse(statement.predicate.common.issuedAt)
        else {
            list.fail(.statementInvalid, "the signed payload is not a Greenmark statement")
            return list.report()
        }
        guard statement.predicate.common.issuerKeyID == kid else {
            list.fail(.keyIDMismatch, "the statement names issuer \(statement.predicate.common.issuerKeyID) but was signed by \(kid)")
            return list.report()
        }
        if case .detection(let detection) = statement.predicate, let reason = detection.inconsistency(scheme: statement.predicate.common.scheme) {
            list.fail(.statementInconsistent, reason)
            return list.report()
        }
        list.pass(.statementValid, "\(statement.predicate.kind.rawValue) \(statement.predicate.common.certificateID)")

        // Time: the verification time, then the issuing key's window and compromise time.
        let compromisedSince = listed.status == .revoked ? (listed.compromisedSince.flatMap(Timestamp.parse) ?? .distantPast) : nil
        if issuedAt > at + Self.clockSkew {
            list.fail(
                .timeFuture,
                "issued at \(Timestamp.format(issuedAt)), after the verification time \(Timestamp.format(at)) plus \(Int(Self.clockSkew)) s")
            return list.report()
        } else if issuedAt < notBefore {
            list.fail(.keyNotYetValid, "issued at \(Timestamp.format(issuedAt)), before the key's window opens at \(Timestamp.format(notBefore))")
            return list.report()
        } else if let notAfter = listed.notAfter.flatMap(Timestamp.parse), issuedAt > notAfter {
            list.fail(.keyExpired, "issued at \(Timestamp.format(issuedAt)), after the key's window closed at \(Timestamp.format(notAfter))")
            return list.report()
        } else if let compromisedSince, issuedAt >= compromisedSince {
            list.fail(
                .keyRevoked, "issuing key \(kid) is revoked" + (listed.compromisedSince.map { " as compromised since \($0)" } ?? " for all time"))
            return list.report()
        }
        list.pass(
            .keyValid, "issued at \(Timestamp.format(issuedAt)) inside the key's window" + (compromisedSince != nil ? ", before its compromise" : ""))

        if let text {
            if text.count > Self.maximumTextBytes {
                list.fail(.textTooLarge, "the text is \(text.count) bytes or more; the limit is \(Self.maximumTextBytes)")
            } else if let string = String(validating: text, as: UTF8.self) {
                if let scalar = CanonicalText.firstUnassigned(in: string) {
                    list.fail(
                        .textUnassigned,
                        "the text contains U+\(String(scalar.value, radix: 16, uppercase: true)), not assigned in Unicode \(CanonicalText.unicodeVersion); it has no canonical form"
                    )
                } else {
                    let actual = CanonicalText.sha256(of: string)
                    if ConstantTime.equals(Array(actual.utf8), Array(digest.utf8)) {
                        list.pass(.textDigestMatch, "canonical SHA-256 \(actual)")
                    } else {
                        list.fail(.textDigestMismatch, "the text's canonical SHA-256 is \(actual), the certificate names \(digest)")
                    }
                }
            } else {
                list.fail(.textEncodingInvalid, "the text is not valid UTF-8")
            }
        }
        return list.report(kind: statement.predicate.kind, statement: statement)
    }

    /// The statement's exact shape: exactly `_type`, `subject`, `predicateType` and `predicate`;
    /// one subject with exactly `name` "text" and a `digest` with exactly `sha256`.
    static func hasStatementShape(_ object: JSONObject) -> Bool {
        guard object.hasExactly(["_type", "subject", "predicateType", "predicate"]),
            case .array(let subjects)? = object["subject"], subjects.count == 1,
            let subject = subjects[0].object, subject.hasExactly(["name", "digest"]),
            subject["name"]?.string == "text", subject["digest"]?.object?.hasExactlyStrings(["sha256"]) == true,
            object["predicate"]?.object != nil
        else { return false }
        return true
    }

    /// The subject digest form: exactly 64 lowercase hex digits.
    static func isLowercaseSHA256Hex(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
