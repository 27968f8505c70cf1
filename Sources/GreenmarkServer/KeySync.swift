import Foundation
import GreenmarkCertificates
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
/// `NAME.conflict-TIMESTAMP-RANDOM` (a new name every time). A database copy that is an older
/// version of the local file (a lower `generation` in the same `lineage`, or a lower trusted-root
/// `version`) never replaces it: it is refused and the local file published over it, so a
/// replayed `keyring.json` cannot bring destroyed keys back. Secret files must be sealed under the
/// master key (docs/secrets-at-rest.md) before they may leave the host: the database never holds
/// a plaintext key, and a plaintext secret file found there anyway is never taken (refused,
/// logged with `keys.not_sealed`, and the local sealed file published over it). Every sync runs
/// under the home-wide `HomeLock`, like the CLI's and the stores' changes, so it never reads or
/// replaces files in the middle of another change. Daemons sync every `interval`, and at once
/// around their own key changes.
public final class KeySync: Sendable {
    /// Secret files: shared only when sealed.
    public static let secretFiles = ["keyring.json", "signing.json", "log-key.json"]
    /// Public files shared as they are: everything in `trust/`.
    public static let publicDirectory = "trust"

    public let home: String
    public let registry: Registry
    /// How often the background loop looks for changes made through other daemons.
    public let interval: Duration
    let logger: Logger
    /// Seals the log key this daemon creates when no daemon has one yet, and opens sealed files
    /// to compare their generations.
    let masterKey: MasterKeySource
    /// The home-wide lock every sync holds.
    private let lock: HomeLock
    /// Per file: the database version and the bytes' digest both sides last agreed on.
    private let agreed = Mutex<[String: Agreed]>([:])

    struct Agreed: Equatable {
        let version: Int64
        let digest: [UInt8]
        /// The agreed bytes' revision, when they carry one.
        let revision: Revision?
    }

    /// Where a key file stands in its own history: secret files carry a `generation` (incremented
    /// by every write) and a `lineage` (a random id given when the file was first created) in
    /// their sealed content; `trust/trusted-root.json` carries its signed `version`.
    struct Revision: Equatable {
        let generation: Int
        let lineage: String?

        /// Whether `self` is an older version of the same file than `other`: the lineages agree
        /// (or one is absent, written before lineages existed) and the generation is lower.
        func isOlder(than other: Revision) -> Bool {
            if let mine = lineage, let theirs = other.lineage, mine != theirs { return false }
            return generation < other.generation
        }
    }

    /// What one sync did.
    public struct Changes: Sendable, Equatable {
        public var pulled: [String] = []
        public var pushed: [String] = []
        public var conflicts: [String] = []
        /// Database copies that were older versions of the local file: not taken; the local file
        /// was published over them.
        public var refused: [String] = []

        public init() {}
    }

    public init(
        home: String, registry: Registry, interval: Duration = .seconds(2), masterKey: MasterKeySource,
        logger: Logger = Logger(label: "greenmarkd.keysync")
    ) {
        self.home = home
        self.masterKey = masterKey
        self.registry = registry
        self.interval = interval
        self.logger = logger
        self.lock = HomeLock(directory: home)
    }

    /// Copies changes in both directions once, under the home lock; see the type's documentation
    /// for the rules.
    @discardableResult
    public func sync() throws(KeySyncError) -> Changes {
        try agreed.withLock { (agreed) throws(KeySyncError) -> Changes in
            try lock.withLock(orElse: Self.lockFailure) { _ throws(KeySyncError) -> Changes in try sync(&agreed) }
        }
    }

    /// The first sync of a daemon joining the registry: takes every shared file (a different
    /// local copy is kept beside it as `NAME.conflict-…`), publishes the files only this home
    /// has, and makes sure exactly one transparency-log key exists for all daemons.
    public func startUp() throws(KeySyncError) {
        do { try AtomicFileWriter.ensureDirectory(home) } catch { throw KeySyncError(.writeFailed, error.reason) }
        try agreed.withLock { (agreed) throws(KeySyncError) in
            try lock.withLock(orElse: Self.lockFailure) { held throws(KeySyncError) in
                try sync(&agreed)
                guard !FileManager.default.fileExists(atPath: home + "/" + LogKey.fileName) else { return }
                try refuseNewLogKeyIfShared()
                do throws(TransparencyError) {
                    _ = try LogKey.loadOrCreate(directory: home, masterKey: masterKey, holding: held)
                } catch {
                    throw KeySyncError(.writeFailed, error.reason)
                }
                // Two daemons starting together may both create one; the first published wins.
                try sync(&agreed)
            }
        }
    }

    /// Runs `change` (which edits files of the home, holding the home lock it is given) between a
    /// sync that brings the home up to date and a sync that publishes the edit, all under the home
    /// lock, so two daemons changing keys at the same time do not overwrite each other: the second
    /// publisher gets `keys.sync_conflict`, its edit is undone (the home is reset to the
    /// database's copy, its own kept beside it), and a retry succeeds.
    public func change<T>(_ change: (HomeLock.Held) throws -> T) throws -> T {
        try agreed.withLock { agreed in
            try lock.withLock(orElse: { Self.lockFailure($0) as any Error }) { held throws(any Error) -> T in
                try sync(&agreed)
                let value = try change(held)
                let changes = try sync(&agreed)
                if !changes.conflicts.isEmpty {
                    throw KeySyncError(
                        .conflict,
                        "another daemon changed \(changes.conflicts.joined(separator: ", ")) at the same time; "
                            + "this change was not applied, retry it")
                }
                return value
            }
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
            if versions.contains(where: { agreed[$0.key]?.version != $0.value }) || logKeyMissing(versions: versions) {
                for record in try registry.keyFiles() { records[record.name] = record }
                versions = records.mapValues(\.version)
            }
        } catch {
            throw KeySyncError(.storage, error.reason)
        }

        var outgoing: [KeyFileChange] = []
        for name in Set(versions.keys).union(localNames()).sorted() {
            let local = read(name)
            var last = agreed[name]
            if let record = records[name], let agreedState = last, record.version != agreedState.version,
                SHA256Digest.hash(record.bytes) == agreedState.digest
            {
                // Only the database version moved (the agreed bytes stored again): no change there.
                last = Agreed(version: record.version, digest: agreedState.digest, revision: agreedState.revision)
                agreed[name] = last
            }
            let localChanged = local.map { SHA256Digest.hash($0) != last?.digest } ?? false
            if name == LogKey.fileName, local == nil, let record = records[name], record.version == last?.version, SealedFile.isSealed(record.bytes) {
                // A log key lost from the home is taken back from the registry, never made afresh.
                try write(record.bytes, to: name)
                changes.pulled.append(name)
                continue
            }
            if let record = records[name], record.version != last?.version {
                // Changed in the database (or never seen here).
                if Self.secretFiles.contains(name), !SealedFile.isSealed(record.bytes) {
                    // A plaintext secret file is never taken (sealed means sealed: it would be
                    // refused by every store anyway). The local file, if sealed, is published
                    // over it; the refusal is logged once per database version.
                    logger.warning(
                        "refused a plaintext secret file from the shared registry; only sealed files are taken",
                        metadata: ["file": "\(name)", "code": "\(KeySyncError.Code.notSealed.rawValue)"])
                    changes.refused.append(name)
                    if let local, SealedFile.isSealed(local) {
                        outgoing.append(KeyFileChange(name: name, bytes: local, expectedVersion: record.version))
                    } else {
                        agreed[name] = Agreed(version: record.version, digest: local.map { SHA256Digest.hash($0) } ?? [], revision: nil)
                    }
                    continue
                }
                if let local, local != record.bytes, let incoming = revision(of: record.bytes, name: name),
                    let mine = revision(of: local, name: name), incoming.isOlder(than: mine)
                {
                    // An older version of the local file: never taken. A change made elsewhere
                    // after the state agreed last (on a copy this home has moved past since) is
                    // kept beside it; a replay of a state already agreed or passed is not (it may
                    // hold keys destroyed since). The local file is published over it.
                    if let agreedGeneration = last?.revision?.generation, incoming.generation > agreedGeneration {
                        try keep(record.bytes, conflictCopyOf: name)
                    }
                    logger.warning(
                        "refused an older copy of a key file from the shared registry; publishing the local one over it",
                        metadata: [
                            "file": "\(name)", "code": "\(KeySyncError.Code.stale.rawValue)",
                            "database_generation": "\(incoming.generation)", "local_generation": "\(mine.generation)",
                        ])
                    changes.refused.append(name)
                    outgoing.append(KeyFileChange(name: name, bytes: local, expectedVersion: record.version))
                    continue
                }
                // Take it, keeping a different local edit.
                if let local, local != record.bytes, localChanged || last == nil {
                    try keep(local, conflictCopyOf: name)
                    changes.conflicts.append(name)
                }
                if local != record.bytes {
                    try write(record.bytes, to: name)
                    changes.pulled.append(name)
                }
                agreed[name] = Agreed(
                    version: record.version, digest: SHA256Digest.hash(record.bytes),
                    revision: revision(of: record.bytes, name: name))
            } else if let local, localChanged {
                // Changed here only: publish it (below, with the other local changes, atomically).
                if name == LogKey.fileName,
                    try refuseAnotherLogKey(local, record: records[name], versions: versions, agreed: &agreed, changes: &changes)
                {
                    continue
                }
                if Self.secretFiles.contains(name), !SealedFile.isSealed(local) {
                    throw KeySyncError(
                        .notSealed,
                        "\(name) is not sealed under a master key, so it cannot be shared through the database; "
                            + "set \(MasterKey.fileEnvironmentVariable) and run `greenmark keys seal`")
                }
                outgoing.append(KeyFileChange(name: name, bytes: local, expectedVersion: last?.version))
            }
        }
        guard !outgoing.isEmpty else { return changes }
        let outgoingBytes = Dictionary(uniqueKeysWithValues: outgoing.map { ($0.name, $0.bytes) })
        do {
            for (name, version) in try registry.putKeyFiles(outgoing).sorted(by: { $0.key < $1.key }) {
                let bytes = outgoingBytes[name] ?? []
                agreed[name] = Agreed(version: version, digest: SHA256Digest.hash(bytes), revision: revision(of: bytes, name: name))
                if !changes.refused.contains(name) { changes.pushed.append(name) }
            }
        } catch  where error.code == .conflict {
            // Another daemon published first: take its copies, keeping ours beside them (an older
            // version of ours is not taken; the next sync publishes ours over it).
            let records: [KeyFileRecord]
            do { records = try registry.keyFiles() } catch { throw KeySyncError(.storage, error.reason) }
            for record in records {
                guard let mine = outgoingBytes[record.name] else { continue }
                // A plaintext secret file is never taken; the next sync publishes ours over it.
                if Self.secretFiles.contains(record.name), !SealedFile.isSealed(record.bytes) { continue }
                if mine != record.bytes {
                    if let incoming = revision(of: record.bytes, name: record.name), let local = revision(of: mine, name: record.name),
                        incoming.isOlder(than: local)
                    {
                        continue
                    }
                    try keep(mine, conflictCopyOf: record.name)
                    try write(record.bytes, to: record.name)
                    changes.conflicts.append(record.name)
                }
                agreed[record.name] = Agreed(
                    version: record.version, digest: SHA256Digest.hash(record.bytes),
                    revision: revision(of: record.bytes, name: record.name))
            }
        } catch {
            throw KeySyncError(.storage, error.reason)
        }
        return changes
    }

    /// The revision `bytes` of file `name` carry, or nil: a file without one (the other trust
    /// files), or one this daemon cannot open (sealed under another master key, malformed).
    func revision(of bytes: [UInt8], name: String) -> Revision? {
        let purpose: SealedFile.Purpose
        switch name {
        case "keyring.json": purpose = .keyring
        case "signing.json": purpose = .signing
        case "log-key.json": purpose = .logKey
        case Self.publicDirectory + "/trusted-root.json":
            guard let root = try? JSONDecoder().decode(TrustedRoot.self, from: Data(bytes)),
                let body = try? root.unverifiedBody()
            else { return nil }
            return Revision(generation: body.version, lineage: nil)
        default:
            return nil
        }
        var plaintext: Data
        if SealedFile.isSealed(bytes) {
            guard let key = try? masterKey.masterKey(), let opened = try? SealedFile.open(bytes, purpose: purpose, masterKey: key) else { return nil }
            plaintext = opened.withUnsafeBytes { Data($0) }
        } else {
            plaintext = Data(bytes)
        }
        defer { plaintext.resetBytes(in: 0..<plaintext.count) }
        guard let stamp = try? JSONDecoder().decode(Stamp.self, from: plaintext) else { return nil }
        return Revision(generation: stamp.generation ?? 0, lineage: stamp.lineage)
    }

    /// The revision fields every secret file carries (absent in files written before them).
    private struct Stamp: Decodable {
        let generation: Int?
        let lineage: String?
    }

    private static func lockFailure(_ error: FileError) -> KeySyncError { KeySyncError(relaying: error, else: .writeFailed) }

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

    func read(_ name: String) -> [UInt8]? { FileManager.default.contents(atPath: home + "/" + name).map { Array($0) } }

    /// Replaces the home's copy through `AtomicFileWriter`, mode 0600 for secret files and 0644
    /// for public ones, so readers see the old file or the new one.
    func write(_ bytes: [UInt8], to name: String) throws(KeySyncError) {
        guard Self.isShareable(name) else { throw KeySyncError(.invalidName, "the shared registry names an unexpected key file \(name)") }
        // The last line of defence: a plaintext secret file is never written into the home.
        if Self.secretFiles.contains(name), !SealedFile.isSealed(bytes) {
            throw KeySyncError(.notSealed, "the shared registry holds a plaintext \(name); only sealed secret files are taken")
        }
        let path = home + "/" + name
        do {
            try AtomicFileWriter.ensureDirectory(AtomicFileWriter.directory(of: path))
            try AtomicFileWriter.write(bytes, to: path, access: Self.secretFiles.contains(name) ? .secret : .public)
        } catch {
            throw KeySyncError(.writeFailed, error.reason)
        }
    }

    /// Keeps a version that lost a conflict, so no key material is ever thrown away: a new file
    /// every time (`NAME.conflict-TIMESTAMP-RANDOM`, mode 0600, never overwriting another copy).
    func keep(_ bytes: [UInt8], conflictCopyOf name: String) throws(KeySyncError) {
        guard Self.isShareable(name) else { throw KeySyncError(.invalidName, "the shared registry names an unexpected key file \(name)") }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let stamp = formatter.string(from: Date()).replacingOccurrences(of: ":", with: "")
        for _ in 0..<4 {
            let suffix: String
            do { suffix = Hex.encode(try SecureRandom.bytes(count: 6)) } catch {
                throw KeySyncError(.writeFailed, "cannot name a conflict copy of \(name): \(error.reason)")
            }
            let path = home + "/" + name + ".conflict-" + stamp + "-" + suffix
            do {
                try AtomicFileWriter.write(bytes, to: path, access: .secret, existing: .refuse)
            } catch  where error.code == .exists {
                continue
            } catch {
                throw KeySyncError(.writeFailed, "cannot keep the conflicting copy of \(name) at \(path): \(error.reason)")
            }
            logger.warning(
                "a key file lost a conflict with the shared registry; the losing copy was kept",
                metadata: ["file": "\(name)", "copy": "\(path)"])
            return
        }
        throw KeySyncError(.writeFailed, "cannot find a free name for a conflict copy of \(name)")
    }

    /// Only the known secret files and `trust/*.json` (no path traversal from database content).
    public static func isShareable(_ name: String) -> Bool {
        if secretFiles.contains(name) { return true }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[0] == publicDirectory && parts[1].hasSuffix(".json") && !parts[1].hasPrefix(".") && !parts[1].contains("..")
    }
}
