import Foundation
import GreenmarkCrypto

/// A watermark key published after its retirement (`docs/key-disclosure.md`), so anyone can
/// check a certificate's key commitment and recompute its detection.
public struct DisclosedKey: Codable, Sendable, Equatable {
    public static let format = "greenmark-disclosed-key-v1"

    public let format: String
    public let keyID: String
    public let secretHex: String
    public let scheme: WatermarkScheme
    public let vocabulary: String?
    public let commitment: String
    public let disclosedAt: String

    enum CodingKeys: String, CodingKey {
        case format, scheme, vocabulary, commitment
        case keyID = "key_id"
        case secretHex = "secret_hex"
        case disclosedAt = "disclosed_at"
    }

    /// The disclosure of `key`, which must still hold its secret.
    public init(key: WatermarkKey, at date: Date = Date()) throws(GreenmarkError) {
        guard let commitment = key.commitment else { throw GreenmarkError(.keyNotUsable, "key \(key.id) is destroyed; its secret is gone") }
        format = Self.format
        keyID = key.id
        secretHex = Hex.encode(key.secret)
        scheme = key.scheme
        vocabulary = key.vocabulary
        self.commitment = commitment
        disclosedAt = ISO8601DateFormatter().string(from: date)
    }

    /// The key, re-derived from the published secret (its id is recomputed, never taken on trust).
    public func watermarkKey() throws(GreenmarkError) -> WatermarkKey {
        guard format == Self.format else { throw GreenmarkError(.keyringCorrupt, "not a \(Self.format) file") }
        let secret: [UInt8]
        do { secret = try Hex.decode(secretHex) } catch { throw GreenmarkError(.keyringCorrupt, "secret_hex is not hexadecimal") }
        return try WatermarkKey(secret: secret, scheme: scheme, state: .enabled, vocabulary: vocabulary)
    }
}
