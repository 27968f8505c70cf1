/// Bounds on walking a submission export (a ZIP or a folder).
public struct SubmissionLimits: Sendable, Hashable {
    /// Most entries (files and folders) in the export (default 5,000).
    public var maxEntries: Int
    /// Most bytes read in total, inflated (default 1 GiB).
    public var maxTotalBytes: Int
    /// Deepest path, in components (default 8).
    public var maxDepth: Int
    /// Largest single file read (default `DocumentLimits.default.maxInputBytes`); a larger file is a
    /// submission with `input.too_large` as its error.
    public var maxFileBytes: Int
    /// Largest inflation ratio of one ZIP member (default 200), once past 1 MiB.
    public var maxCompressionRatio: Int

    /// Limits with the given values.
    public init(
        maxEntries: Int = 5000, maxTotalBytes: Int = 1 << 30, maxDepth: Int = 8,
        maxFileBytes: Int = DocumentLimits.default.maxInputBytes, maxCompressionRatio: Int = 200
    ) {
        self.maxEntries = maxEntries
        self.maxTotalBytes = maxTotalBytes
        self.maxDepth = maxDepth
        self.maxFileBytes = maxFileBytes
        self.maxCompressionRatio = maxCompressionRatio
    }

    /// The limits the CLI and the daemon use.
    public static let `default` = SubmissionLimits()
}
