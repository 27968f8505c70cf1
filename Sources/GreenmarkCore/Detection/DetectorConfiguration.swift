/// Decision settings of the detector.
public struct DetectorConfiguration: Sendable, Codable, Equatable {
    /// z-score at or above which a text is called watermarked (default 4).
    public var zThreshold: Double
    /// Fewest scored tokens for any verdict but "too short"; see `docs/detection.md`.
    public var minimumScoredTokens: Int
    /// Score each (context, token) pair once, as the reference implementation does.
    public var ignoreRepeatedNgrams: Bool

    /// Defaults: z >= 4, at least 50 scored tokens, repeats ignored.
    public static let `default` = DetectorConfiguration(zThreshold: 4.0, minimumScoredTokens: 50, ignoreRepeatedNgrams: true)

    public init(zThreshold: Double, minimumScoredTokens: Int, ignoreRepeatedNgrams: Bool) {
        self.zThreshold = zThreshold
        self.minimumScoredTokens = minimumScoredTokens
        self.ignoreRepeatedNgrams = ignoreRepeatedNgrams
    }
}
