#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decision settings of the detector.
public struct DetectorConfiguration: Sendable, Codable, Equatable {
    /// z-score at or above which a text is called watermarked (default 4).
    public var zThreshold: Double
    /// Fewest scored tokens for any verdict but "too short"; see `docs/detection.md`.
    public var minimumScoredTokens: Int
    /// Score each PRF input once (the (context, token) n-gram, the SelfHash (anchor, token) pair),
    /// as the reference implementation does. It must stay true: a repeated input repeats its bit,
    /// so counting it again voids the exact null distribution (a text repeating one green bigram
    /// reaches any p-value). `validate()` refuses false and the detector validates before scoring;
    /// `TokenScores(ignoreRepeats: false)` stays for diagnostics that report counts only.
    public var ignoreRepeatedNgrams: Bool
    /// Also search windows of the text for a watermarked span (`SpanSearch`), correcting the
    /// p-value for the windows searched. Off by default: it costs a factor of about 2m in p-value
    /// (m windows) on texts that are watermarked throughout.
    public var searchSpans: Bool

    /// Defaults: z >= 4, at least 50 scored tokens, repeats ignored.
    public static let `default` = DetectorConfiguration(zThreshold: 4.0, minimumScoredTokens: 50, ignoreRepeatedNgrams: true)

    /// The p-value a watermarked verdict must also reach: the standard normal upper tail at
    /// `zThreshold` (3.17e-5 for z = 4). Requiring it caps the false-positive rate at that value for
    /// every length, where z alone overshoots it by up to 13x on short texts (`docs/detection.md`).
    public var maximumPValue: Double { 0.5 * erfc(zThreshold / 2.squareRoot()) }

    public init(zThreshold: Double, minimumScoredTokens: Int, ignoreRepeatedNgrams: Bool, searchSpans: Bool = false) {
        self.zThreshold = zThreshold
        self.minimumScoredTokens = minimumScoredTokens
        self.ignoreRepeatedNgrams = ignoreRepeatedNgrams
        self.searchSpans = searchSpans
    }

    /// Throws `detection.invalid_configuration` for settings under which no valid p-value or
    /// verdict exists: repeated PRF inputs counted, a threshold that is not finite, or a minimum
    /// length below 1.
    public func validate() throws(GreenmarkError) {
        guard ignoreRepeatedNgrams else {
            throw GreenmarkError(
                .invalidDetectorConfiguration,
                "counting repeated n-grams voids the p-value (a repeated PRF input repeats its bit); detection requires ignoreRepeatedNgrams")
        }
        guard zThreshold.isFinite else { throw GreenmarkError(.invalidDetectorConfiguration, "the z threshold must be a finite number") }
        guard minimumScoredTokens >= 1 else {
            throw GreenmarkError(.invalidDetectorConfiguration, "the minimum number of scored tokens must be at least 1")
        }
    }

    /// This configuration with span search switched on or off.
    public func searchingSpans(_ on: Bool) -> DetectorConfiguration {
        var c = self
        c.searchSpans = on
        return c
    }
}
