import Foundation

/// A provenance bundle (`application/vnd.greenmark.bundle.v1+json`, `docs/certificate-format.md`,
/// "Provenance bundles"): one JSON file with a certificate, its text (or only the text's canonical
/// digest), the trusted-root versions that reach the verifier's pin and, for a logged certificate,
/// its transparency-log inclusion proof with the signed checkpoint.
///
/// The embedded documents are JSON **strings holding their files' exact text**, not nested objects:
/// every verifier then checks exactly the bytes the issuer wrote (sizes, member sets, duplicate
/// names), with no re-serialization that could differ between JSON libraries.
public struct BundleDocument: Sendable, Equatable {
    /// The `media_type` of version 1 bundles (also the HTTP media type).
    public static let mediaType = "application/vnd.greenmark.bundle.v1+json"
    /// Largest bundle accepted, in bytes (80 MiB: a 64 MiB text escaped, plus the trust material).
    public static let maximumBytes = 80 << 20
    /// Every member a version 1 bundle may have.
    static let members: Set<String> = ["media_type", "certificate", "text", "text_sha256", "trusted_roots", "log_proof"]

    /// What the bundle says about the text.
    public enum Text: Sendable, Equatable {
        /// The text itself.
        case text(String)
        /// Only the lowercase hex SHA-256 of its canonical form (`greenmark-text-v1`).
        case digest(String)
    }

    /// The certificate file's bytes.
    public let certificate: [UInt8]
    public let text: Text
    /// Trusted-root files (any order), chained from the verifier's pin like `--trust-update`.
    public let trustedRoots: [[UInt8]]
    /// The JSON of `GET /v1/log/proof/{id}` (leaf index, tree size, audit path, signed checkpoint), when logged.
    public let logProof: [UInt8]?

    public init(certificate: [UInt8], text: Text, trustedRoots: [[UInt8]], logProof: [UInt8]? = nil) {
        self.certificate = certificate
        self.text = text
        self.trustedRoots = trustedRoots
        self.logProof = logProof
    }

    /// The members as written (`null` optional members are absent).
    struct Wire: Codable {
        var media_type = BundleDocument.mediaType
        var certificate: String
        var text: String?
        var text_sha256: String?
        var trusted_roots: [String]
        var log_proof: String?
    }

    /// The bundle file: pretty-printed JSON with sorted keys and a final newline. Throws
    /// `certificate.crypto_failure` when an embedded file is not UTF-8 (Greenmark writes only UTF-8).
    public func fileBytes() throws(CertificateError) -> [UInt8] {
        func string(_ bytes: [UInt8], _ what: String) throws(CertificateError) -> String {
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw CertificateError(.cryptoFailure, "cannot encode the bundle: \(what) is not UTF-8")
            }
            return s
        }
        var roots: [String] = []
        for (i, root) in trustedRoots.enumerated() { roots.append(try string(root, "trusted root \(i + 1)")) }
        var wire = Wire(certificate: try string(certificate, "the certificate"), trusted_roots: roots)
        switch text {
        case .text(let t): wire.text = t
        case .digest(let d): wire.text_sha256 = d
        }
        if let logProof { wire.log_proof = try string(logProof, "the log proof") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(wire) else { throw CertificateError(.cryptoFailure, "cannot encode the bundle") }
        return Array(data) + [0x0a]
    }

    /// Whether a verifier takes `bytes` as a bundle rather than a certificate: its top-level JSON
    /// object has a `media_type` member (any JSON parser decides this; the bundle's rules come after).
    public static func isBundle(_ bytes: [UInt8]) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return false }
        return object["media_type"] != nil
    }

    /// Reads a bundle file: the bundle, or the failing check (`bundle.too_large`,
    /// `bundle.media_type_unsupported`, `bundle.invalid`) in the order of the format's rules.
    public static func read(_ bytes: [UInt8]) -> Result<BundleDocument, BundleReadFailure> {
        guard bytes.count <= maximumBytes else {
            return .failure(.init(.bundleTooLarge, "the bundle is \(bytes.count) bytes or more; the limit is \(maximumBytes)"))
        }
        guard let object = StrictJSON.object(bytes) else {
            return .failure(.init(.bundleInvalid, "not a bundle: one JSON object (UTF-8, integers only, no repeated names) expected"))
        }
        guard let mediaType = object["media_type"] as? String else {
            return .failure(.init(.bundleInvalid, "not a bundle: media_type must be a string"))
        }
        guard mediaType == Self.mediaType else {
            return .failure(.init(.bundleMediaTypeUnsupported, "media_type \(mediaType.debugDescription) is not \(Self.mediaType)"))
        }
        func present(_ name: String) -> Any? { object[name].flatMap { $0 is NSNull ? nil : $0 } }
        guard Set(object.keys).isSubset(of: members) else {
            let extra = Set(object.keys).subtracting(members).sorted().joined(separator: ", ")
            return .failure(.init(.bundleInvalid, "members the format does not allow: \(extra)"))
        }
        guard let certificate = present("certificate") as? String,
            let roots = present("trusted_roots") as? [Any], let rootStrings = roots as? [String], roots.allSatisfy({ $0 is String })
        else {
            return .failure(.init(.bundleInvalid, "certificate must be a string and trusted_roots an array of strings"))
        }
        let text: Text
        switch (present("text"), present("text_sha256")) {
        case (let t as String, nil):
            text = .text(t)
        case (nil, let d as String) where CertificateVerifier.isLowercaseSHA256Hex(d):
            text = .digest(d)
        default:
            return .failure(.init(.bundleInvalid, "exactly one of text (a string) and text_sha256 (64 lowercase hex digits) is required"))
        }
        let logProof = present("log_proof")
        guard logProof == nil || logProof is String else {
            return .failure(.init(.bundleInvalid, "log_proof must be a string"))
        }
        return .success(
            BundleDocument(
                certificate: Array(certificate.utf8), text: text,
                trustedRoots: rootStrings.map { Array($0.utf8) },
                logProof: (logProof as? String).map { Array($0.utf8) }))
    }
}
