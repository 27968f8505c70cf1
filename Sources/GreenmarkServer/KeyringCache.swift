import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import Synchronization

/// The keyring of a home, re-read only when its file changes. Every request compares the file's
/// `FileVersion` (device, inode, size, mode, modification and change times) with the cached
/// copy's: the CLI replaces the file by rename (new inode) and `chmod` moves the change time, so
/// key changes and permission problems take effect on the next request, as before, without
/// parsing the JSON and decoding the secrets on every request.
final class KeyringCache: Sendable {
    let store: KeyringStore
    private let cached: Mutex<(version: FileVersion, keyring: Keyring)?> = Mutex(nil)

    init(store: KeyringStore) {
        self.store = store
    }

    /// The current keyring: the cached copy when the file is unchanged, else a fresh load.
    func load() throws(GreenmarkError) -> Keyring {
        // Stat before reading: a file replaced in between is cached under its predecessor's
        // version, which the next use sees differ, so it costs one extra read and is never stale.
        guard let version = FileVersion.of(path: store.path) else { return try store.load() }  // missing: load() says why
        if let hit = cached.withLock({ $0?.version == version ? $0?.keyring : nil }) { return hit }
        let keyring = try store.load()
        cached.withLock { $0 = (version, keyring) }
        return keyring
    }
}
