import Foundation

/// A copy of a document in a fresh private directory under the system temporary directory
/// (directory 0700, file 0600), for the reader that needs a file: `pdftotext` (ZIP archives are
/// parsed in memory by `ZipReader`). `remove()` deletes the directory and everything in it.
struct PrivateFile {
    /// The directory, `greenmark-<purpose>-<UUID>`.
    let directory: URL
    /// The file inside it.
    let url: URL

    /// Writes `data` to `name` in a new private directory.
    init(_ data: [UInt8], purpose: String, name: String) throws(DocumentError) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("greenmark-\(purpose)-\(UUID().uuidString)")
        url = directory.appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DocumentError(.extractionFailed, "no private temporary directory could be created")
        }
        guard FileManager.default.createFile(atPath: url.path, contents: Data(data), attributes: [.posixPermissions: 0o600]) else {
            remove()
            throw DocumentError(.extractionFailed, "the document could not be written to its temporary directory")
        }
    }

    /// Deletes the directory and the file.
    func remove() { try? FileManager.default.removeItem(at: directory) }
}
