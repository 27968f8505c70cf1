import Foundation
import GreenmarkCrypto

/// The set of watermark keys and their states: an immutable value edited by returning new values.
///
/// Invariants (checked on load and after every change): ids are unique, and whenever any key is
/// not destroyed exactly one key is primary.
public struct Keyring: Sendable {
    /// File-format version written by this code.
    public static let formatVersion = 1

    public private(set) var keys: [WatermarkKey]

    /// A keyring from keys; throws when the invariants do not hold.
    public init(keys: [WatermarkKey]) throws(GreenmarkError) {
        self.keys = keys
        try validate()
    }

    /// A new keyring with one fresh primary key.
    public static func create(scheme: WatermarkScheme = .default, vocabulary: String? = nil) throws(GreenmarkError) -> Keyring {
        try Keyring(keys: [WatermarkKey.generate(scheme: scheme, state: .primary, vocabulary: vocabulary)])
    }

    /// The primary key.
    public func primary() throws(GreenmarkError) -> WatermarkKey {
        guard let key = keys.first(where: { $0.state == .primary }) else {
            throw GreenmarkError(.noPrimaryKey, "the keyring has no primary key")
        }
        return key
    }

    /// The key with `id`.
    public func key(id: String) throws(GreenmarkError) -> WatermarkKey {
        guard let key = keys.first(where: { $0.id == id }) else {
            throw GreenmarkError(.keyNotFound, "no key with id \(id)")
        }
        return key
    }

    /// Keys that detection tries: the primary first, then enabled keys, newest first.
    public var detectionKeys: [WatermarkKey] {
        keys.filter { $0.state == .primary } + keys.filter { $0.state == .enabled }.sorted { $0.createdAt > $1.createdAt }
    }

    /// Adds a fresh key as primary; the old primary stays enabled for detection. The new key keeps
    /// the old primary's scheme and vocabulary unless others are given.
    public func rotated(scheme: WatermarkScheme? = nil, vocabulary: String? = nil) throws(GreenmarkError) -> (Keyring, WatermarkKey) {
        let old = try primary()
        let new = try WatermarkKey.generate(scheme: scheme ?? old.scheme, state: .primary, vocabulary: vocabulary ?? old.vocabulary)
        var next = keys.map { k in
            var k = k
            if k.state == .primary { k.state = .enabled }
            return k
        }
        next.append(new)
        return (try Keyring(keys: next), new)
    }

    /// Adds a fresh key in the enabled (detect-only) state, to be promoted later (Tink's
    /// add-then-promote rotation). It keeps the primary's scheme and vocabulary unless given.
    public func adding(scheme: WatermarkScheme? = nil, vocabulary: String? = nil) throws(GreenmarkError) -> (Keyring, WatermarkKey) {
        let primary = try primary()
        let new = try WatermarkKey.generate(scheme: scheme ?? primary.scheme, state: .enabled, vocabulary: vocabulary ?? primary.vocabulary)
        return (try Keyring(keys: keys + [new]), new)
    }

    /// Moves key `id` to `state`, following the allowed transitions:
    /// enabled -> primary (the old primary becomes enabled), primary is left only by promoting
    /// another key, enabled <-> disabled, and enabled/disabled -> destroyed (irreversible; the
    /// secret is wiped).
    public func setting(_ id: String, to state: KeyState) throws(GreenmarkError) -> Keyring {
        let current = try key(id: id)
        if current.state == state { return self }
        if let disclosed = current.disclosedAt {
            throw GreenmarkError(
                .invalidKeyTransition,
                "key \(id) was disclosed on \(ISO8601DateFormatter().string(from: disclosed)); its secret is public, so it stays disabled for good")
        }
        switch (current.state, state) {
        case (.enabled, .primary):
            break
        case (.primary, _):
            throw GreenmarkError(.invalidKeyTransition, "key \(id) is primary; promote another key first")
        case (.destroyed, _):
            throw GreenmarkError(.invalidKeyTransition, "key \(id) is destroyed; its secret is gone")
        case (.disabled, .primary):
            throw GreenmarkError(.invalidKeyTransition, "key \(id) is disabled; enable it before promoting it")
        case (.enabled, .disabled), (.disabled, .enabled), (.enabled, .destroyed), (.disabled, .destroyed):
            break
        default:
            throw GreenmarkError(.invalidKeyTransition, "cannot move key \(id) from \(current.state.rawValue) to \(state.rawValue)")
        }
        let next = keys.map { k in
            var k = k
            if k.id == id {
                k.state = state
                if state == .destroyed {
                    ConstantTime.wipe(&k.secret)
                    k.secret = []
                }
            } else if state == .primary, k.state == .primary {
                k.state = .enabled
            }
            return k
        }
        return try Keyring(keys: next)
    }

    /// Marks disabled key `id` as disclosed (its secret about to be published) and returns the
    /// keyring and the disclosure. Disclosing again returns the first disclosure's time; only a
    /// disabled key qualifies, and a disclosed key can never be enabled, promoted or destroyed.
    public func disclosing(_ id: String, at date: Date = Date()) throws(GreenmarkError) -> (Keyring, DisclosedKey) {
        let current = try key(id: id)
        guard current.state == .disabled else {
            throw GreenmarkError(
                .keyNotUsable, "key \(id) is \(current.state.rawValue); disable it first: a disclosed key must not watermark or detect")
        }
        let when = current.disclosedAt ?? date
        var disclosed = current
        disclosed.disclosedAt = when
        let next = try Keyring(keys: keys.map { $0.id == id ? disclosed : $0 })
        return (next, try DisclosedKey(key: disclosed, at: when))
    }

    /// The disclosures of every disclosed key, oldest first: what the issuer publishes.
    public var disclosures: [DisclosedKey] {
        keys.filter { $0.disclosedAt != nil }.sorted { $0.disclosedAt! < $1.disclosedAt! }
            .compactMap { try? DisclosedKey(key: $0, at: $0.disclosedAt!) }
    }

    private func validate() throws(GreenmarkError) {
        var seen = Set<String>()
        for k in keys {
            guard seen.insert(k.id).inserted else {
                throw GreenmarkError(.keyringCorrupt, "duplicate key id \(k.id)")
            }
            if k.state == .destroyed {
                guard k.secret.isEmpty else { throw GreenmarkError(.keyringCorrupt, "destroyed key \(k.id) still holds a secret") }
            } else {
                guard k.secret.count == WatermarkKey.secretLength else {
                    throw GreenmarkError(.keyringCorrupt, "key \(k.id) has a secret of the wrong length")
                }
                guard (try? KeyID.derive(from: k.secret)) == k.id else {
                    throw GreenmarkError(.keyringCorrupt, "key \(k.id) does not match its secret")
                }
            }
        }
        let primaries = keys.filter { $0.state == .primary }.count
        let live = keys.contains { $0.state != .destroyed }
        if live && primaries != 1 {
            throw GreenmarkError(.keyringCorrupt, "a keyring needs exactly one primary key (found \(primaries))")
        }
    }
}
