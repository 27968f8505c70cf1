import GreenmarkCrypto

/// Public identifiers of watermark keys, derived from the key without revealing it.
///
///     key_id = "wk-" || hex(HMAC-SHA256(K, "greenmark/key-id/v1")[0..8])
///
/// HMAC is a PRF, so the id reveals nothing about K beyond letting someone who already holds a
/// candidate key confirm it; the label differs from every PRF message (those start with
/// "greenmark/prf/v1" and a NUL byte), so no PRF output equals a key id computation.
public enum KeyID {
    /// The label MACed to derive a key id.
    public static let label = Array("greenmark/key-id/v1".utf8)
    /// Prefix of every watermark key id.
    public static let prefix = "wk-"

    /// Derives the public id of watermark key `key`.
    public static func derive(from key: some Collection<UInt8>) throws(GreenmarkError) -> String {
        let mac: HMACSHA256
        do {
            mac = try HMACSHA256(key: key)
        } catch {
            throw GreenmarkError(.cryptoFailure, error.description)
        }
        return prefix + Hex.encode(mac.authenticationCode(for: label).prefix(8))
    }
}
