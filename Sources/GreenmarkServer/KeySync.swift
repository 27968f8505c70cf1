import Foundation
import GreenmarkCrypto
import GreenmarkStorage
import GreenmarkTransparency
import Logging
import Synchronization

/// Shares a home's key files (the keyring, the signing keys, the log key and the public trust
/// files) among several daemons through the registry's `key_file` table, so that daemons behind
/// one load balancer serve the same keys (docs/scale-out.md).
///
/// Each daemon keeps its own home; the database is the meeting point. A sync compares, per file,
/// the local bytes and the database version with the last state both agreed on: a change on one
/// side only is copied to the other (database writes are compare-and-set on the version), and a
/// change on both sides is resolved in the database's favour, the local copy kept beside it as
/// `NAME.conflict-TIMESTAMP`. Secret files must be sealed under the master key
/// (docs/secrets-at-rest.md) before they may leave the host: the database never holds a
/// plaintext key. Daemons sync every `interval`, and at once around their own key changes.
public final class KeySync: Sendable {
    /// Secret files: shared only when sealed.
    public static let secretFiles = ["keyring.json", "signing.json", "log-key.json"]
    /// Public files shared as they are: everything in `trust/`.
    public static let publicDirectory = "trust"

    public let home: String
    public let registry: Registry
    /// How often the background loop looks for changes made through other daemons.
    public let interval: Duration
    private let logger: Logger
    /// Seals the log key this daemon creates when no daemon has one yet.
    private let masterKey: MasterKeySource
    /// Per file: the database version and the bytes' digest both sides last agreed on.
    private let agreed = Mutex<[String: Agreed]>([:])

    struct Agreed: Equatable {
        let version: Int64
        let digest: [UInt8]
    }

    /// What one sync did.
    public struct Changes: Sendable, Equatable {
        public var pulled: [String] = []
        public var pushed: [String] = []
        public var conflicts: [String] = []

        public init() {}
    }

    public init(home: String, registry: Registry, interval: Duration = .seconds(2), masterKey: MasterKeySource,
                logger: Logger = Logger(label: "greenmarkd.keysync")) {
        self.home = home
        self.masterKey = masterKey
        self.registry = registry
        self.interval = interval
        self.logger = logger
    }

    /// Copies changes in both directions once; see the type's documentation for the rules.
    @discardableResult
    public func sync() throws(KeySyncError) -> Changes {
        try agreed.withLock { (agreed) throws(KeySyncError) -> Changes in try sync(&agreed) }
    }

    /// The first sync of a daemon joining the registry: takes every shared file (a different
    /// local copy is kept beside it as `NAME.conflict-TIMESTAMP`), publishes the files only this
    /// home has, and makes sure exactly one transparency-log key exists for all daemons.
    public func startUp() throws(KeySyncError) {
        try sync()
        guard !FileManager.default.fileExists(atPath: home + "/" + LogKey.fileName) else { return }
        do {
            _ = try LogKey.loadOrCreate(directory: home, masterKey: masterKey)
        } catch {
            throw KeySyncError(.writeFailed, error.reason)
        }
        // Two daemons starting together may both create one; the first published wins.
        try sync()
    }

    /// Runs `change` (which edits files of the home) between a sync that brings the home up to
    /// date and a sync that publishes the edit, so two daemons changing keys at the same time do
    /// not overwrite each other: the second publisher gets `keys.sync_conflict`, its edit is
    /// undone (the home is reset to the database's copy), and it may retry.
    public func change<T>(_ change: () throws -> T) throws -> T {
        try agreed.withLock { agreed in
            try sync(&agreed)
            let value = try change()
            let changes = try sync(&agreed)
            if !changes.conflicts.isEmpty {
                throw KeySyncError(.conflict, "another daemon changed \(changes.conflicts.joined(separator: ", ")) at the same time; this change was not applied, retry it")
            }
            return value
        }
    }

    /// Syncs every `interval` until the task is cancelled; errors are logged, not fatal (the
    /// daemon keeps serving with the keys it has).
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                let changes = try sync()
                if !changes.pulled.isEmpty { logger.info("key files updated from the shared registry", metadata: ["files": "\(changes.pulled)"]) }
            } catch {
                logger.error("key sync failed", metadata: ["code": "\(error.code.rawValue)", "reason": "\(error.reason)"])
            }
        }
    }

    // MARK: - The sync

    private func sync(_ agreed: inout [String: Agreed]) throws(KeySyncError) -> Changes {
        var changes = Changes()
        // Cheap check first; on any change, one snapshot of every file, so a key change that
        // touched several files (keyring, trust root) is taken whole.
        var versions: [String: Int64]
        var records: [String: KeyFileRecord] = [:]
        do {
            versions = try registry.keyFileVersions()
            if versions.contains(where: { agreed[$0.key]?.version != $0.value }) {
                for record in try registry.keyFiles() { records[record.name] = record }
                versions = records.mapValues(\.version)
            }
        } catch {
            throw KeySyncError(.storage, error.reason)
        }

        var outgoing: [KeyFileChange] = []
        for name in Set(versions.keys).union(localNames()).sorted() {
            let local = read(name)
            let last = agreed[name]
            let localChanged = local.map { SHA256Digest.hash($0) != last?.digest } ?? false
            if let record = records[name], record.version != last?.version {
                // Changed in the database (or never seen here): take it, keeping a different local edit.
                if let local, local != record.bytes, localChanged || last == nil {
                    try keep(local, conflictCopyOf: name)
                    changes.conflicts.append(name)
                }
                if local != record.bytes {
                    try write(record.bytes, to: name)
                    changes.pulled.append(name)
                }
                agreed[name] = Agreed(version: record.version, digest: SHA256Digest.hash(record.bytes))
            } else if let local, localChanged {
                // Changed here only: publish it (below, with the other local changes, atomically).
                if Self.secretFiles.contains(name), !SealedFile.isSealed(local) {
                    throw KeySyncError(.notSealed, "\(name) is not sealed under a master key, so it cannot be shared through the database; set \(MasterKey.fileEnvironmentVariable) and run `greenmark keys seal`")
                }
                outgoing.append(KeyFileChange(name: name, bytes: local, expectedVersion: last?.version))
            }
        }
        guard !outgoing.isEmpty else { return changes }
        let outgoingBytes = Dictionary(uniqueKeysWithValues: outgoing.map { ($0.name, $0.bytes) })
        do {
            for (name, version) in try registry.putKeyFiles(outgoing).sorted(by: { $0.key < $1.key }) {
                agreed[name] = Agreed(version: version, digest: SHA256Digest.hash(outgoingBytes[name] ?? []))
                changes.pushed.append(name)
            }
        } catch where error.code == .conflict {
            // Another daemon published first: take its copies, keeping ours beside them.
            let records: [KeyFileRecord]
            do { records = try registry.keyFiles() } catch { throw KeySyncError(.storage, error.reason) }
            for record in records where outgoingBytes[record.name] != nil {
                if let mine = outgoingBytes[record.name], mine != record.bytes {
                    try keep(mine, conflictCopyOf: record.name)
                    try write(record.bytes, to: record.name)
                    changes.conflicts.append(record.name)
                }
                agreed[record.name] = Agreed(version: record.version, digest: SHA256Digest.hash(record.bytes))
            }
        } catch {
            throw KeySyncError(.storage, error.reason)
        }
        return changes
    }

    // MARK: - Files

    /// The shareable files present in the home, by relative path.
    private func localNames() -> [String] {
        let fm = FileManager.default
        var names = Self.secretFiles.filter { fm.fileExists(atPath: home + "/" + $0) }
        let trust = home + "/" + Self.publicDirectory
        for entry in (try? fm.contentsOfDirectory(atPath: trust)) ?? [] where entry.hasSuffix(".json") && !entry.hasPrefix(".") {
            names.append(Self.publicDirectory + "/" + entry)
        }
        return names
    }

    private func read(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: home + "/" + name).map { Array($0) }
    }

    /// Replaces the home's copy atomically (temporary file, fsync, rename), mode 0600 for secret
    /// files and 0644 for public ones, so readers see the old file or the new one.
    private func write(_ bytes: [UInt8], to name: String) throws(KeySyncError) {
        guard Self.isShareable(name) else { throw KeySyncError(.invalidName, "the shared registry names an unexpected key file \(name)") }
        let path = home + "/" + name
        let mode: Int = Self.secretFiles.contains(name) ? 0o600 : 0o644
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/.sync-\(UUID().uuidString).tmp"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: mode]) else {
                throw KeySyncError(.writeFailed, "cannot write \(temporary)")
            }
            let fd = open(temporary, O_RDONLY)
            if fd >= 0 { fsync(fd); close(fd) }
            guard rename(temporary, path) == 0 else { throw KeySyncError(.writeFailed, "cannot replace \(path)") }
        } catch let error as KeySyncError {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw KeySyncError(.writeFailed, "cannot write \(path): \(error)")
        }
    }

    /// Keeps a local version that lost a conflict, so no key material is ever thrown away.
    private func keep(_ bytes: [UInt8], conflictCopyOf name: String) throws(KeySyncError) {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let path = home + "/" + name + ".conflict-" + stamp
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw KeySyncError(.writeFailed, "cannot keep the conflicting local copy of \(name) at \(path)")
        }
        logger.warning("a local key file lost a conflict with the shared registry; the local copy was kept", metadata: ["file": "\(name)", "copy": "\(path)"])
    }

    /// Only the known secret files and `trust/*.json` (no path traversal from database content).
    public static func isShareable(_ name: String) -> Bool {
        if secretFiles.contains(name) { return true }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[0] == publicDirectory && parts[1].hasSuffix(".json") && !parts[1].hasPrefix(".") && !parts[1].contains("..")
    }
}
