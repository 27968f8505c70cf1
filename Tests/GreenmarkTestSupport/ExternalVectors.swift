import Foundation

/// Test data published by others, in `../shared/external-vectors` next to the package root (each
/// folder's `SOURCE.md` names repository, commit and licence). Read at run time, never copied into
/// this repository: a suite that needs a folder is skipped, with its name, where it is absent, and
/// runs (and fails) when `CI` is set.
public enum ExternalVectors {
    /// `../shared/external-vectors` relative to the package root.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/external-vectors")

    /// Whether the suite needing `folder` runs: the folder exists, or `CI` is set.
    public static func enabled(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(folder).path) || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// The contents of `file` in `folder`.
    public static func data(_ folder: String, _ file: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(file))
    }

    /// The paths (relative to `folder`) of its files ending in `suffix`, sorted.
    public static func files(_ folder: String, under subfolder: String, suffix: String) -> [String] {
        let base = root.appendingPathComponent(folder).appendingPathComponent(subfolder)
        let all = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(suffix) }.sorted().map { subfolder + "/" + $0 }
    }
}
