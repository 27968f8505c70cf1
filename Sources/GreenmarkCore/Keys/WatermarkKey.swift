import Foundation
import GreenmarkCrypto

/// A watermark key: a 32-byte secret, its public id, scheme and lifecycle state.
///
/// `description` never shows the secret, so a key can be logged or interpolated safely.
public struct WatermarkKey: Sendable, CustomStringConvertible, CustomReflectable {
    /// Secret length in bytes.
    public static let secretLength = 32

    public let id: String
    public let scheme: WatermarkScheme
    public internal(set) var state: KeyState
    public let createdAt: Date
    /// The vocabulary the key was made for (`Tokenizer.vocabularyID`), if bound.
    public let vocabulary: String?
    /// The secret; empty once destroyed.
    public internal(set) var secret: [UInt8]
    /// When the key's secret was published (`docs/key-disclosure.md`); a disclosed key can never
    /// watermark or detect again.
    public internal(set) var disclosedAt: Date?

    /// Builds a key from existing secret bytes, deriving its id.
    public init(secret: [UInt8], scheme: WatermarkScheme, state: KeyState, createdAt: Date = Date(), vocabulary: String? = nil) throws(GreenmarkError)
    {
        guard secret.count == Self.secretLength else {
            throw GreenmarkError(.keyringCorrupt, "watermark key secrets are \(Self.secretLength) bytes")
        }
        self.id = try KeyID.derive(from: secret)
        self.scheme = scheme
        self.state = state
        self.createdAt = createdAt
        self.vocabulary = vocabulary
        self.secret = secret
    }

    /// A key exactly as stored (the id taken from the file; `Keyring` checks it against the secret), for the keyring store.
    package init(
        id: String, scheme: WatermarkScheme, state: KeyState, createdAt: Date, vocabulary: String?, secret: [UInt8], disclosedAt: Date? = nil
    ) {
        self.id = id
        self.scheme = scheme
        self.state = state
        self.createdAt = createdAt
        self.vocabulary = vocabulary
        self.secret = secret
        self.disclosedAt = disclosedAt
    }

    /// A new key from OpenSSL's CSPRNG.
    public static func generate(scheme: WatermarkScheme = .default, state: KeyState, vocabulary: String? = nil) throws(GreenmarkError) -> WatermarkKey
    {
        let secret: [UInt8]
        do {
            secret = try SecureRandom.bytes(count: secretLength)
        } catch {
            throw GreenmarkError(.cryptoFailure, error.description)
        }
        return try WatermarkKey(secret: secret, scheme: scheme, state: state, vocabulary: vocabulary)
    }

    /// Throws `vocabularyMismatch` when the key is bound to another vocabulary than `tokenizer`'s.
    public func checkVocabulary(of tokenizer: any Tokenizer) throws(GreenmarkError) {
        if let vocabulary, vocabulary != tokenizer.vocabularyID {
            throw GreenmarkError(
                .vocabularyMismatch, "key \(id) was made for vocabulary \(vocabulary), but \(tokenizer.name) has \(tokenizer.vocabularyID)")
        }
    }

    /// Label of key commitments (`docs/key-disclosure.md`).
    public static let commitmentLabel: [UInt8] = Array("greenmark/key-commitment/v1".utf8) + [0]

    /// The hash commitment to this key that certificates carry: lowercase hex of
    /// SHA-256("greenmark/key-commitment/v1" || 0x00 || K). Nil once the secret is destroyed.
    public var commitment: String? {
        secret.count == Self.secretLength ? Self.commitment(secret: secret) : nil
    }

    /// The commitment to a 32-byte secret.
    public static func commitment(secret: [UInt8]) -> String {
        Hex.encode(SHA256Digest.hash(commitmentLabel + secret))
    }

    /// The green-list PRF for this key; fails for a destroyed key.
    public func prf() throws(GreenmarkError) -> GreenListPRF {
        guard state != .destroyed, secret.count == Self.secretLength else {
            throw GreenmarkError(.keyNotUsable, "key \(id) is destroyed")
        }
        return try GreenListPRF(key: secret, scheme: scheme)
    }

    public var description: String { "WatermarkKey(\(id), \(state.rawValue), \(scheme))" }

    /// Reflection (`dump`, debuggers) shows the public fields only.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["id": id, "scheme": scheme, "state": state, "createdAt": createdAt, "vocabulary": vocabulary as Any, "secret": "<redacted>"])
    }
}
