import Foundation
import GreenmarkCore
import GreenmarkDocuments

/// One essay of a batch: a file named on the command line, a file found in a folder, or a file of
/// an LMS export (`.zip`). Files in a folder or an export belong to a submission, named by its
/// per-student folder (`SubmissionArchive.submissionName`). Bytes are read when the essay is scored,
/// except an export's, which come out of the archive together.
struct BatchInput {
    /// Where the essay is: its path, or `export.zip/<path inside>`.
    let file: String
    /// The submission it belongs to (files found in a folder or an export), nil for a file named on the command line.
    let submission: String?
    /// Its bytes already read (an export's member), or why they could not be.
    private let contents: Result<[UInt8], DocumentError>?

    /// The file name extensions a folder or an export is searched for.
    static let extensions: Set<String> = ["txt", "md", "markdown", "docx", "odt", "pdf", "html", "htm", "rtf"]

    /// Its text: the file read and extracted (`DocumentInput`).
    func read() throws -> DocumentInput {
        let name = (file as NSString).lastPathComponent
        switch contents {
        case .success(let bytes)?: return try DocumentInput.decode(bytes, filename: name, source: file)
        case .failure(let error)?: throw error
        case nil: return try DocumentInput.decode(try InputReader.readBytes(path: file), filename: name, source: file)
        }
    }

    /// How the text tables and the HTML report name it: the submission and its file, or the path.
    var label: String {
        guard let submission else { return file }
        let base = (file as NSString).lastPathComponent
        return submission == base ? base : "\(submission) / \(base)"
    }

    /// The essays named by `inputs`: files as given (an LMS export `.zip` opened into its files);
    /// folders searched recursively for documents, in path order. Files of other kinds inside a folder
    /// or an export are left out and listed in `skipped`. Throws when nothing is found.
    static func collect(_ inputs: [String], skipped: inout [String]) throws -> [BatchInput] {
        var found: [BatchInput] = []
        let fm = FileManager.default
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw GreenmarkError(.unreadableInput, "cannot read \(input): no such file or directory")
            }
            if isDirectory.boolValue {
                let files = try folder(input, skipped: &skipped)
                guard !files.isEmpty else {
                    throw GreenmarkError(.unreadableInput, "no .txt, .md, .docx, .odt, .pdf, .html or .rtf files in \(input)")
                }
                found += files
            } else if let export = try export(at: input, skipped: &skipped) {
                found += export
            } else {
                found.append(BatchInput(file: input, submission: nil, contents: nil))
            }
        }
        return found
    }

    /// The documents under the folder `root`, each in the submission its top folder names.
    static func folder(_ root: String, skipped: inout [String]) throws -> [BatchInput] {
        let relative = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []).sorted()
        var found: [BatchInput] = []
        for path in relative {
            let components = path.split(separator: "/").map(String.init)
            guard !components.contains(where: { $0.hasPrefix(".") || $0 == "__MACOSX" }) else { continue }
            let full = (root as NSString).appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            guard extensions.contains((path as NSString).pathExtension.lowercased()) else {
                skipped.append(full)
                continue
            }
            found.append(BatchInput(file: full, submission: SubmissionArchive.submissionName(components), contents: nil))
        }
        return found
    }

    /// The documents of the LMS export at `path`, or nil when the file is not a ZIP archive
    /// (a `.docx` or `.odt` is a ZIP too, and is one essay).
    static func export(at path: String, skipped: inout [String]) throws -> [BatchInput]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        let head = (try? handle.read(upToCount: 4)).map { [UInt8]($0) } ?? []
        try? handle.close()
        guard head == [0x50, 0x4B, 0x03, 0x04] || head == [0x50, 0x4B, 0x05, 0x06] else { return nil }
        let bytes = try InputReader.readBytes(path: path)
        guard SubmissionArchive.isArchive(bytes) else { return nil }
        var found: [BatchInput] = []
        for submission in try SubmissionArchive().read(zip: bytes) {
            let file = path + "/" + submission.path
            guard extensions.contains((submission.path as NSString).pathExtension.lowercased()) else {
                skipped.append(file)
                continue
            }
            let contents: Result<[UInt8], DocumentError> = submission.error.map { .failure($0) } ?? .success(submission.data)
            found.append(BatchInput(file: file, submission: submission.name, contents: contents))
        }
        guard !found.isEmpty else {
            throw GreenmarkError(.unreadableInput, "no .txt, .md, .docx, .odt, .pdf, .html or .rtf files in the export \(path)")
        }
        return found
    }
}
