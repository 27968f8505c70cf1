import Foundation
import GreenmarkCrypto

/// The last checkpoint a daemon signed, kept in its home (`HOME/log-checkpoint.txt`, the signed
/// note as served) so that it survives restarts and anything done to the registry: before signing
/// a new tree the daemon proves the tree extends this record (`CheckpointConsistency`).
///
/// Written through `AtomicFileWriter` (readers see the old note or the new one, never half of
/// one). It holds nothing secret: every checkpoint it can hold was served to anyone who asked.
public struct CheckpointRecord: Sendable {
    public static let fileName = "log-checkpoint.txt"
    /// Notes are a few hundred bytes; anything much larger is not a record this daemon wrote.
    static let maximumBytes = 64 * 1024

    public let path: String

    /// The record of the home `directory`.
    public init(directory: String) { path = directory + "/" + Self.fileName }

    /// The stored note, or nil when this home never signed a checkpoint.
    public func load() throws(TransparencyError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), data.count <= Self.maximumBytes,
            let note = String(data: data, encoding: .utf8)
        else {
            throw TransparencyError(.checkpointRecordUnusable, "cannot read the last signed checkpoint at \(path)")
        }
        return note
    }

    /// Replaces the stored note with `note`.
    public func save(_ note: String) throws(TransparencyError) {
        do { try AtomicFileWriter.write(Data(note.utf8), to: path, access: .public) } catch {
            throw TransparencyError(.checkpointRecordUnusable, "cannot keep the last signed checkpoint at \(path): \(error.reason)")
        }
    }
}
