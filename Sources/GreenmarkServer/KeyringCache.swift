#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GreenmarkCore
import Synchronization

/// The keyring of a home, re-read only when its file changes. Every request stats the file and
/// compares device, inode, size, modification and change times and mode with the cached copy: the
/// CLI replaces the file by rename (new inode) and `chmod` moves the change time, so key changes
/// and permission problems take effect on the next request, as before, without parsing the JSON
/// and decoding the secrets on every request.
final class KeyringCache: Sendable {
    /// What identifies one version of the keyring file.
    struct Signature: Equatable {
        let device: UInt64, inode: UInt64, size: Int64, mode: UInt32
        let modified: timespec, changed: timespec

        static func == (a: Self, b: Self) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size && a.mode == b.mode
                && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
        }
    }

    let store: KeyringStore
    private let cached: Mutex<(signature: Signature, keyring: Keyring)?> = Mutex(nil)

    init(store: KeyringStore) {
        self.store = store
    }

    /// The current keyring: the cached copy when the file is unchanged, else a fresh load.
    func load() throws(GreenmarkError) -> Keyring {
        guard let signature = signature() else { return try store.load() }  // missing: load() says why
        if let hit = cached.withLock({ $0?.signature == signature ? $0?.keyring : nil }) { return hit }
        let keyring = try store.load()
        cached.withLock { $0 = (signature, keyring) }
        return keyring
    }

    private func signature() -> Signature? {
        var st = stat()
        guard stat(store.path, &st) == 0 else { return nil }
        return Signature(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size), mode: UInt32(st.st_mode),
                         modified: st.st_mtim, changed: st.st_ctim)
    }
}
