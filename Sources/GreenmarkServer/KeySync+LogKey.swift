import Foundation
import GreenmarkCrypto
import GreenmarkStorage
import GreenmarkTransparency
import Logging

/// The transparency log's key is never silently replaced (`docs/scale-out.md`): every checkpoint
/// the log signed must keep verifying with it. A home that lost `log-key.json` takes the shared
/// one back; a different log key in a home is never published over the shared one (the shared one
/// is taken back and the local one kept as a conflict copy, `keys.log_key_conflict`); and no log
/// key is made while the registry holds one.
extension KeySync {
    /// Whether the registry has a log key the home lacks: then the sync reads the files and takes it back.
    func logKeyMissing(versions: [String: Int64]) -> Bool {
        versions[LogKey.fileName] != nil && !FileManager.default.fileExists(atPath: home + "/" + LogKey.fileName)
    }

    /// Whether the log key files `a` and `b` hold one key (both open with this daemon's master key).
    func sameLogKey(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard let first = LogKey.publicKey(ofFile: a, masterKey: masterKey), let second = LogKey.publicKey(ofFile: b, masterKey: masterKey) else {
            return false
        }
        return first == second
    }

    /// Before publishing a local change of the log key: when the registry holds a log key (`record`,
    /// or read now) and the local file is another key (or one that does not open), it is not
    /// published; the shared one is written back and the local one kept beside it. True when refused.
    func refuseAnotherLogKey(
        _ local: [UInt8], record: KeyFileRecord?, versions: [String: Int64], agreed: inout [String: Agreed],
        changes: inout Changes
    ) throws(KeySyncError) -> Bool {
        var shared = record
        if shared == nil, versions[LogKey.fileName] != nil {
            do { shared = try registry.keyFile(name: LogKey.fileName) } catch { throw KeySyncError(.storage, error.reason) }
        }
        guard let shared, !sameLogKey(local, shared.bytes) else { return false }
        try keep(local, conflictCopyOf: LogKey.fileName)
        if SealedFile.isSealed(shared.bytes) { try write(shared.bytes, to: LogKey.fileName) }
        agreed[LogKey.fileName] = Agreed(
            version: shared.version, digest: SHA256Digest.hash(shared.bytes),
            revision: revision(of: shared.bytes, name: LogKey.fileName))
        logger.error(
            "refused to publish a log key other than the shared one; the shared one was taken back, the local one kept",
            metadata: ["file": "\(LogKey.fileName)", "code": "\(KeySyncError.Code.logKeyConflict.rawValue)"])
        changes.refused.append(LogKey.fileName)
        return true
    }

    /// At start-up, before a log key is made for a home without one: refused when the registry holds
    /// one (it would have been taken if this daemon could take it).
    func refuseNewLogKeyIfShared() throws(KeySyncError) {
        let versions: [String: Int64]
        do { versions = try registry.keyFileVersions() } catch { throw KeySyncError(.storage, error.reason) }
        if versions[LogKey.fileName] != nil {
            throw KeySyncError(
                .logKeyConflict,
                "the shared registry holds a log key this daemon cannot take (see the log); "
                    + "no new log key is made while there is one")
        }
    }
}
