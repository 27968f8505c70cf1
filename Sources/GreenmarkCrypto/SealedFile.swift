import Foundation

/// The `greenmark-sealed-v1` envelope of a secret file encrypted under the master key
/// (`docs/secrets-at-rest.md`): one line of JSON,
///
///     {"alg":"A256GCM","ciphertext":B64URL(C || T),"format":"greenmark-sealed-v1",
///      "master_key_id":ID,"nonce":B64URL(N),"purpose":PURPOSE}
///
/// with AES-256-GCM under the master key, a random 12-byte nonce, and associated data
/// `"greenmark-sealed-v1" 0x00 PURPOSE 0x00 ID`, so a file sealed for one purpose (a keyring)
/// does not open as another (signing keys), and a file names the master key that sealed it.
public enum SealedFile {
    /// The `format` value.
    public static let format = "greenmark-sealed-v1"
    /// The `alg` value.
    public static let algorithm = "A256GCM"

    /// What a sealed file holds; bound into the associated data.
    public enum Purpose: String, CaseIterable, Sendable {
        /// `keyring.json`: the watermark keys.
        case keyring
        /// `signing.json`: the root and issuing Ed25519 seeds.
        case signing
        /// `log-key.json`: the transparency log's Ed25519 seed.
        case logKey = "log-key"
    }

    /// The associated data for `purpose` and master key `id`.
    public static func associatedData(purpose: Purpose, masterKeyID id: String) -> [UInt8] {
        Array(format.utf8) + [0] + Array(purpose.rawValue.utf8) + [0] + Array(id.utf8)
    }

    /// Seals `plaintext`; returns the envelope's bytes (JSON and a newline). `nonce` is for test
    /// vectors only: by default a fresh random one is drawn.
    public static func seal(_ plaintext: some Collection<UInt8>, purpose: Purpose, masterKey: MasterKey, nonce fixedNonce: [UInt8]? = nil)
        throws(CryptoError) -> [UInt8]
    {
        let nonce: [UInt8]
        if let fixedNonce { nonce = fixedNonce } else { nonce = try SecureRandom.bytes(count: AES256GCM.nonceByteCount) }
        var input = Array(plaintext)
        defer { ConstantTime.wipe(&input) }
        let (ciphertext, tag) = try AES256GCM.seal(
            input, key: masterKey.bytes, nonce: nonce,
            aad: associatedData(purpose: purpose, masterKeyID: masterKey.id))
        // Every value is base64url, hex or a fixed lower-case word: no JSON escaping is needed.
        let json =
            "{\"alg\":\"\(algorithm)\",\"ciphertext\":\"\(Base64URL.encode(ciphertext + tag))\",\"format\":\"\(format)\","
            + "\"master_key_id\":\"\(masterKey.id)\",\"nonce\":\"\(Base64URL.encode(nonce))\",\"purpose\":\"\(purpose.rawValue)\"}\n"
        return Array(json.utf8)
    }

    /// Whether `data` is a sealed envelope (a JSON object whose `format` is `greenmark-sealed-v1`),
    /// as opposed to a plaintext secret file.
    public static func isSealed(_ data: some Collection<UInt8>) -> Bool {
        return (try? JSONDecoder().decode(Probe.self, from: Data(data)))?.format == format
    }

    /// The master key id a sealed file names, if it is a well-formed envelope.
    public static func masterKeyID(of data: some Collection<UInt8>) -> String? {
        (try? JSONDecoder().decode(Envelope.self, from: Data(data)))?.masterKeyID
    }

    /// The master key id the file at `path` is sealed under; nil when it is missing or not sealed.
    public static func masterKeyID(ofFileAt path: String) -> String? {
        FileManager.default.contents(atPath: path).flatMap { masterKeyID(of: $0) }
    }

    /// Opens an envelope sealed for `purpose`. Throws `masterKeyRequired` when `masterKey` is nil,
    /// `wrongMasterKey` when another key sealed it, `sealedPurposeMismatch`, `sealedFileCorrupt`,
    /// or `authenticationFailed` when the file was changed; never returns unauthenticated bytes.
    public static func open(_ data: some Collection<UInt8>, purpose: Purpose, masterKey: MasterKey?) throws(CryptoError) -> SecretBytes {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(data)), envelope.format == format else {
            throw CryptoError(.sealedFileCorrupt, "not a \(format) envelope")
        }
        guard envelope.alg == algorithm else {
            throw CryptoError(.sealedFileCorrupt, "unsupported algorithm \(envelope.alg.prefix(32)) (expected \(algorithm))")
        }
        guard envelope.purpose == purpose.rawValue else {
            throw CryptoError(.sealedPurposeMismatch, "sealed for purpose \"\(envelope.purpose.prefix(32))\", expected \"\(purpose.rawValue)\"")
        }
        guard let masterKey else {
            throw CryptoError(
                .masterKeyRequired,
                "sealed under master key \(envelope.masterKeyID.prefix(32)), but no master key is configured; set \(MasterKey.fileEnvironmentVariable) (a mode-0600 key file) or \(MasterKey.environmentVariable)"
            )
        }
        guard envelope.masterKeyID == masterKey.id else {
            throw CryptoError(
                .wrongMasterKey, "sealed under master key \(envelope.masterKeyID.prefix(32)), but the configured master key is \(masterKey.id)")
        }
        guard let nonce = try? Base64URL.decode(envelope.nonce), nonce.count == AES256GCM.nonceByteCount,
            let sealed = try? Base64URL.decode(envelope.ciphertext), sealed.count >= AES256GCM.tagByteCount
        else {
            throw CryptoError(.sealedFileCorrupt, "malformed nonce or ciphertext")
        }
        let split = sealed.count - AES256GCM.tagByteCount
        do {
            return try AES256GCM.open(
                Array(sealed[..<split]), tag: Array(sealed[split...]), key: masterKey.bytes, nonce: nonce,
                aad: associatedData(purpose: purpose, masterKeyID: masterKey.id))
        } catch  where error.code == .authenticationFailed {
            throw CryptoError(.authenticationFailed, "failed authentication: it was changed after sealing")
        }
    }

    /// The error for a plaintext secret file at `path` found while a master key is configured.
    /// A sealed home takes only sealed files: a plaintext one may have been put there by someone
    /// else (their watermark key, their signing seed), and loading it, or sealing it on the next
    /// write, would launder it. The one way in is an explicit `greenmark keys seal`.
    public static func plaintextRefused(path: String) -> CryptoError {
        CryptoError(
            .plaintextRefused,
            "\(path) is not sealed, but a master key is configured: a plaintext secret file is refused "
                + "(it may have been put there by someone else). If it is yours, seal it with `greenmark keys seal` (docs/secrets-at-rest.md)")
    }

    private struct Probe: Decodable { let format: String? }

    struct Envelope: Decodable {
        let format: String
        let alg: String
        let masterKeyID: String
        let nonce: String
        let ciphertext: String
        let purpose: String

        enum CodingKeys: String, CodingKey {
            case format, alg, nonce, ciphertext, purpose
            case masterKeyID = "master_key_id"
        }
    }
}
