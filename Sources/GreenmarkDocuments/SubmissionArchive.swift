import Foundation

/// Walks a learning-management-system export — a `.zip` or a folder of per-student folders
/// (Moodle: `Jane Doe_12345_assignsubmission_file_/essay.docx`; Canvas: flat
/// `doejane_12345_67890_essay.docx`) — into `Submission`s, one per file, in path order.
///
/// Entries with an absolute path, a `..` component or a symbolic link refuse the whole export
/// (`input.unsafe_archive`); hidden files and `__MACOSX/` are skipped; nothing is written to disk.
public struct SubmissionArchive: Sendable {
    /// The limits the walk runs under.
    public let limits: SubmissionLimits

    /// A walker with the given limits.
    public init(limits: SubmissionLimits = .default) { self.limits = limits }

    /// Whether `data` is a ZIP archive that is not itself a document (`.docx`, `.odt`): an export to walk.
    public static func isArchive(_ data: [UInt8]) -> Bool {
        guard data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06]) else { return false }
        do {
            _ = try DocumentExtractor.classify(data, filename: nil, limits: .default)
            return false
        } catch {
            return error.code == .unsupportedFormat
        }
    }

    /// The files of the ZIP export `data`.
    public func read(zip data: [UInt8]) throws(DocumentError) -> [Submission] {
        let documentLimits = DocumentLimits(
            maxArchiveEntryBytes: limits.maxFileBytes, maxCompressionRatio: limits.maxCompressionRatio)
        let zip = try ZipReader(data, limits: documentLimits)
        let entries = zip.entries
        guard entries.count <= limits.maxEntries else {
            throw DocumentError(.tooLarge, "the archive has \(entries.count) entries; at most \(limits.maxEntries) are read")
        }
        var files: [(path: [String], entry: ZipReader.Entry)] = []
        for entry in entries {
            let components = try Self.checkedPath(entry.path)
            if entry.kind == .symlink { throw DocumentError(.unsafeArchive, "\(entry.path) is a symbolic link") }
            guard entry.kind == .file, !Self.isHidden(components) else { continue }
            guard components.count <= limits.maxDepth else {
                throw DocumentError(.tooLarge, "\(entry.path) is nested \(components.count) deep; at most \(limits.maxDepth)")
            }
            files.append((components, entry))
        }
        var total = 0
        var result: [Submission] = []
        for (components, entry) in files.sorted(by: { $0.path.lexicographicallyPrecedes($1.path) }) {
            let path = components.joined(separator: "/")
            let name = Self.submissionName(components)
            do throws(DocumentError) {
                let bytes = try zip.read(entry, limit: limits.maxFileBytes)
                total += bytes.count
                guard total <= limits.maxTotalBytes else {
                    throw DocumentError(.tooLarge, "the archive inflates past \(limits.maxTotalBytes) bytes")
                }
                result.append(Submission(name: name, path: path, data: bytes))
            } catch  where error.code == .tooLarge && total <= limits.maxTotalBytes {
                result.append(Submission(name: name, path: path, data: [], error: error))
            }
        }
        return result
    }

    /// The files under the folder `url` (symbolic links refuse the walk; nothing is followed).
    public func read(folder url: URL) throws(DocumentError) -> [Submission] {
        var files: [[String]] = []
        var count = 0
        try walk(url, components: [], files: &files, count: &count)
        var total = 0
        var result: [Submission] = []
        for components in files.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let path = components.joined(separator: "/")
            let name = Self.submissionName(components)
            let file = components.reduce(url) { $0.appendingPathComponent($1) }
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            guard size <= limits.maxFileBytes else {
                result.append(
                    Submission(
                        name: name, path: path, data: [],
                        error: DocumentError(.tooLarge, "\(path) is \(size) bytes; at most \(limits.maxFileBytes) are read")))
                continue
            }
            guard let data = FileManager.default.contents(atPath: file.path) else {
                result.append(Submission(name: name, path: path, data: [], error: DocumentError(.extractionFailed, "\(path) cannot be read")))
                continue
            }
            total += data.count
            guard total <= limits.maxTotalBytes else {
                throw DocumentError(.tooLarge, "the folder holds more than \(limits.maxTotalBytes) bytes")
            }
            result.append(Submission(name: name, path: path, data: [UInt8](data)))
        }
        return result
    }

    /// Collects the regular files under `directory`, refusing symbolic links, depth and entry counts over the limits.
    private func walk(_ directory: URL, components: [String], files: inout [[String]], count: inout Int) throws(DocumentError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw DocumentError(.extractionFailed, "the folder \(directory.path) cannot be listed")
        }
        for name in names.sorted() {
            let path = components + [name]
            guard !Self.isHidden(path) else { continue }
            count += 1
            guard count <= limits.maxEntries else {
                throw DocumentError(.tooLarge, "the folder has more than \(limits.maxEntries) entries")
            }
            guard path.count <= limits.maxDepth else {
                throw DocumentError(.tooLarge, "\(path.joined(separator: "/")) is nested \(path.count) deep; at most \(limits.maxDepth)")
            }
            let url = directory.appendingPathComponent(name)
            let type = (try? FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType) ?? nil
            switch type {
            case .typeSymbolicLink?: throw DocumentError(.unsafeArchive, "\(path.joined(separator: "/")) is a symbolic link")
            case .typeDirectory?: try walk(url, components: path, files: &files, count: &count)
            case .typeRegular?: files.append(path)
            default: continue
            }
        }
    }
}
