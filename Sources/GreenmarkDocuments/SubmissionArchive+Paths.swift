import Foundation

/// Entry paths: safety checks and submission names.
extension SubmissionArchive {
    /// `path`'s components (`/` or `\` separated, empty and `.` components dropped), or
    /// `input.unsafe_archive` for an absolute path, a drive letter or a `..` component.
    static func checkedPath(_ path: String) throws(DocumentError) -> [String] {
        if path.hasPrefix("/") || path.hasPrefix("\\") || path.dropFirst().hasPrefix(":") {
            throw DocumentError(.unsafeArchive, "the archive entry \(path) has an absolute path")
        }
        let components = path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).map(String.init).filter { $0 != "." }
        if components.contains("..") {
            throw DocumentError(.unsafeArchive, "the archive entry \(path) climbs out of the archive (..)")
        }
        return components
    }

    /// Whether a path is hidden (a component starting with `.`) or macOS metadata (`__MACOSX`).
    static func isHidden(_ components: [String]) -> Bool {
        components.contains { $0.hasPrefix(".") || $0 == "__MACOSX" }
    }

    /// The submission a file belongs to: its top folder (Moodle's `_assignsubmission_…_` suffix
    /// dropped), or for a top-level file named like Canvas's `name_12345_67890_essay.docx` the part
    /// `name_12345`; any other top-level file is its own submission, named by itself.
    public static func submissionName(_ components: [String]) -> String {
        guard let first = components.first else { return "" }
        if components.count > 1 {
            if let range = first.range(of: "_assignsubmission_") { return String(first[..<range.lowerBound]) }
            return first
        }
        let parts = first.split(separator: "_", omittingEmptySubsequences: false)
        // Canvas: student, optional LATE, user id, submission id, original file name.
        var i = 1
        if parts.count > 4, parts[1] == "LATE" { i = 2 }
        if parts.count > i + 2, !parts[0].isEmpty, parts[i].allSatisfy(\.isNumber), !parts[i].isEmpty,
            parts[i + 1].allSatisfy(\.isNumber), !parts[i + 1].isEmpty
        {
            return "\(parts[0])_\(parts[i])"
        }
        return first
    }
}
