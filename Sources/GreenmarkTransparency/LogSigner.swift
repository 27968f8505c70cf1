import GreenmarkCrypto
import Synchronization

/// The transparency log's key and its latest signed checkpoint, kept in memory for a daemon's
/// log routes.
///
/// Each use compares the key file's `FileVersion` with the cached key's: an unchanged file is
/// neither re-read nor opened (AES-256-GCM when sealed) nor decoded, and a file replaced by
/// `KeySync` or made readable by others takes effect on the next use, as when every request loaded
/// it. The last checkpoint note is kept too and re-signed only when the tree's size or root, or the
/// key, changed; Ed25519 signatures are deterministic, so a kept note is byte for byte the note a
/// fresh signature would give.
public final class LogSigner: Sendable {
    public let directory: String
    private let masterKey: MasterKeySource
    /// Whether a missing key file is created (`LogKey.loadOrCreate`); false with key sync, where
    /// the log key comes from the shared registry only (`tlog.log_key_missing` until it is there).
    public let createsKey: Bool
    private let state = Mutex<State?>(nil)

    private struct State: Sendable {
        let version: FileVersion
        let key: LogKey
        var note: (size: Int, root: [UInt8], text: String)?
    }

    /// A signer for the log key in `directory` (created on first use, as `LogKey.loadOrCreate`,
    /// when `createsKey`).
    public init(directory: String, masterKey: MasterKeySource = .none, createsKey: Bool = true) {
        self.directory = directory
        self.masterKey = masterKey
        self.createsKey = createsKey
    }

    /// The log key: the cached one while its file is unchanged, else loaded (or created) afresh.
    public func key() throws(TransparencyError) -> LogKey {
        try current().key
    }

    /// The signed note of the checkpoint for a tree of `size` leaves with root `root`.
    public func signedCheckpoint(size: Int, root: [UInt8]) throws(TransparencyError) -> String {
        let (version, key, kept) = try current()
        if let kept, kept.size == size, kept.root == root { return kept.text }
        let text = try Checkpoint(origin: key.origin, size: size, root: root).signed(name: key.origin, key: key.key)
        state.withLock { s in
            // Kept only for the key it was signed with (the file may have changed meanwhile).
            guard s?.version == version else { return }
            s?.note = (size, root, text)
        }
        return text
    }

    private func current() throws(TransparencyError) -> (version: FileVersion?, key: LogKey, note: (size: Int, root: [UInt8], text: String)?) {
        let path = directory + "/" + LogKey.fileName
        // Stat before reading: a file replaced in between is cached under its predecessor's
        // version, which the next use sees differ, so it costs one extra load and is never stale.
        let version = FileVersion.of(path: path)
        if let version, let hit = state.withLock({ $0?.version == version ? $0 : nil }) { return (version, hit.key, hit.note) }
        guard version != nil || createsKey else {
            throw TransparencyError(
                .logKeyMissing,
                "there is no \(LogKey.fileName) in the home; with key sync it is taken from the shared registry, "
                    + "never made afresh")
        }
        let key = try LogKey.loadOrCreate(directory: directory, masterKey: masterKey)
        // A key this call created is cached from the next use on (its file's version is known then).
        if let version { state.withLock { $0 = State(version: version, key: key, note: nil) } }
        return (version, key, nil)
    }
}
