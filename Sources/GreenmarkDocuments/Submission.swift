/// One file of a learning-management-system export: the submission it belongs to, its path in the
/// export and its bytes (or why they were not read).
public struct Submission: Sendable, Hashable {
    /// The submission's name: the per-student folder (Moodle's `_assignsubmission_file_` suffix dropped),
    /// or for a flat Canvas file `lastname_12345_67890_essay.docx` the part before the file name
    /// (`lastname_12345`); a lone file's name otherwise.
    public let name: String
    /// The file's path inside the export, `/`-separated.
    public let path: String
    /// The file's bytes (empty when `error` is set).
    public let data: [UInt8]
    /// Why this file was not read (`input.too_large`, `input.extraction_failed`), while the rest of the export was.
    public let error: DocumentError?

    /// A submission file.
    public init(name: String, path: String, data: [UInt8], error: DocumentError? = nil) {
        self.name = name
        self.path = path
        self.data = data
        self.error = error
    }
}
