import GreenmarkCrypto

/// Ids of Ed25519 signing keys, derived from the public key so a verifier can recompute them:
/// `prefix || hex(SHA-256(raw public key)[0..8])`, prefix `grk-` for root keys, `gik-` for issuing keys.
public enum SigningKeyID {
    public static let rootPrefix = "grk-"
    public static let issuerPrefix = "gik-"

    public static func root(_ key: Ed25519PublicKey) -> String { rootPrefix + fingerprint(key) }
    public static func issuer(_ key: Ed25519PublicKey) -> String { issuerPrefix + fingerprint(key) }

    static func fingerprint(_ key: Ed25519PublicKey) -> String {
        Hex.encode(SHA256Digest.hash(key.rawRepresentation).prefix(8))
    }
}
