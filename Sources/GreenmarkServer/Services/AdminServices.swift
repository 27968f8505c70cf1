import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkStorage
import HTTPTypes

/// What key administration needs: the keyring and signing stores, the trust chain (for the keys
/// view), the registry (audit log) and the key changes' queue and lock.
struct AdminServices: Sendable {
    let issuing: IssuingServices
    let keyringCache: KeyringCache
    let trust: TrustState
    /// This daemon's key changes, one at a time (see `changingKeys`).
    let keyChanges = GenerationGate(maxActive: 1, maxQueued: 4096)

    var home: String { issuing.home }
    var registry: Registry { issuing.registry }
    /// The keyring file's store, for changes and existence checks.
    var keyring: KeyringStore { keyringCache.store }
    var signing: SigningKeyStore { issuing.signing }

    /// Runs a key change holding the home-wide lock (`HomeLock`), which it hands to `body` to pass
    /// on to the stores (`holding:`): alone, under the lock; with other daemons, under the lock
    /// between syncs that bring the home up to date and publish the change (`KeySync.change`), a
    /// concurrent change elsewhere → 409 `keys.sync_conflict` (a retry succeeds). This daemon's
    /// own key changes queue here first (`keyChanges`), so at most one request thread at a time
    /// waits for the lock while a CLI command or a sync holds it; that wait, the files and the
    /// registry are off the event loop.
    func changingKeys<T: Sendable>(_ body: @escaping @Sendable (HomeLock.Held) throws -> T) async throws -> T {
        guard await keyChanges.enter() else {
            throw APIError(.serviceUnavailable, code: .adminBusy, "too many key changes are waiting; retry shortly")
        }
        defer { keyChanges.leave() }
        return try await offload { try changingKeysNow(body) }
    }

    private func changingKeysNow<T>(_ body: (HomeLock.Held) throws -> T) throws -> T {
        guard let keySync = issuing.keySync else {
            return try HomeLock(directory: home).withLock(
                orElse: { error -> any Error in
                    APIError(.serviceUnavailable, relaying: error.code.rawValue, error.reason)
                }, { held throws(any Error) -> T in try body(held) })
        }
        return try keySync.change(body)
    }

    /// Writes an audit entry, off the event loop.
    func audit(actor: String, action: String, detail: String) async throws {
        let registry = registry
        try await offload { try registry.audit(actor: actor, action: action, detail: detail) }
    }

    /// Publishes the watermark keys' new states in a new trusted-root version, when signing keys
    /// exist; the caller holds the home lock (`held`) across the keyring change and this.
    func republish(holding held: HomeLock.Held) throws {
        guard signing.exists else { return }
        let keys = try keyring.load().keys
        _ = try signing.republish(watermarkKeys: keys, holding: held)
    }
}
