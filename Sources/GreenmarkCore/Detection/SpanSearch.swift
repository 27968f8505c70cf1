/// Finds a watermarked span inside a longer text (a paragraph pasted into a human essay) and
/// corrects its p-value for the search (`docs/detection.md`, "Partial-text search").
///
/// Windows run over the scored tokens on a fixed multiscale grid: lengths L = L0, 2 L0, 4 L0, ...
/// shorter than the text (L0 is the minimum number of scored tokens), each at stride L / 4, plus
/// one window flush with the end. Every span of at least L0 scored tokens overlaps some window of
/// the grid by at least 7/8 of the window. The grid depends only on the number of scored tokens,
/// never on the text or the key, so a Bonferroni correction over the `windows` tested is valid
/// whatever the dependence between overlapping windows.
public struct SpanSearch: Sendable {
    /// One window of the grid: a range of scored-token positions.
    public struct Window: Sendable, Equatable {
        /// First scored position (0-based, among scored tokens only).
        public let start: Int
        /// Number of scored tokens.
        public let length: Int
    }

    /// The best window found and its uncorrected statistics.
    public struct Best: Sendable {
        public let window: Window
        /// Green tokens in the window (0 for gumbel-v1).
        public let green: Int
        /// gumbel-v1: the window's score S_w (0 for the green-list schemes).
        public let score: Double
        /// The window's own exact tail: binomial, or Q(L, S_w) for gumbel-v1.
        public let tail: BinomialTail.Value
        /// Number of windows on the grid (the correction factor).
        public let windows: Int
    }

    /// Smallest window length (L0).
    public let minimumLength: Int

    public init(minimumLength: Int) {
        self.minimumLength = max(1, minimumLength)
    }

    /// The grid for `scored` tokens: empty when the text is not longer than L0.
    public func grid(scored: Int) -> [Window] {
        var windows: [Window] = []
        var length = minimumLength
        while length < scored {
            let stride = max(1, length / 4)
            var start = 0
            while start + length <= scored {
                windows.append(Window(start: start, length: length))
                start += stride
            }
            if (scored - length) % stride != 0 { windows.append(Window(start: scored - length, length: length)) }
            length *= 2
        }
        return windows
    }

    /// The window with the smallest exact tail probability under `gamma` (or, for gumbel-v1
    /// scores, of the Gamma tail Q(L, S_w)), or nil when the grid is empty.
    public func best(in scores: TokenScores, gamma: Double) -> Best? {
        // Prefix sums of the per-position statistic: green indicators, or gumbel-v1 scores.
        var prefix = [0.0]
        prefix.reserveCapacity(scores.scored + 1)
        for i in scores.skips.indices where scores.skips[i] == nil {
            let x = scores.isGumbel ? scores.values[i] ?? 0 : (scores.greenFlags[i] == true ? 1 : 0)
            prefix.append(prefix.last! + x)
        }
        let grid = grid(scored: prefix.count - 1)
        guard let first = grid.first else { return nil }
        // Expected value of one position under H0: gamma, or 1 for an Exp(1) score.
        let mean = scores.isGumbel ? 1.0 : gamma
        // The first window of the grid with the smallest tail, among the first window and those
        // above the expected count (the others cannot win). Windows of one length share the tail
        // function, which falls as the green count (or score) rises, so of each length only the
        // first window with the largest sum can be that window: one tail per length is computed
        // (about 4 instead of about 30 for an essay; the choice is the same, `SpanSearchTests`).
        var candidates: [(window: Window, sum: Double)] = [(first, prefix[first.length] - prefix[0])]
        var leader: (window: Window, sum: Double)?
        for w in grid {
            if let l = leader, l.window.length != w.length {
                candidates.append(l)
                leader = nil
            }
            let sum = prefix[w.start + w.length] - prefix[w.start]
            guard sum > mean * Double(w.length) else { continue }
            if leader == nil || sum > leader!.sum { leader = (w, sum) }
        }
        if let leader { candidates.append(leader) }
        var best: Best?
        for c in candidates {
            // Green counts are integers, exactly summed in binary64.
            let green = scores.isGumbel ? 0 : Int(c.sum.rounded())
            let score = scores.isGumbel ? c.sum : 0
            let tail = TokenScores.tail(green: green, sum: score, count: c.window.length, gamma: gamma, gumbel: scores.isGumbel)
            if best == nil || tail.log10Probability < best!.tail.log10Probability {
                best = Best(window: c.window, green: green, score: score, tail: tail, windows: grid.count)
            }
        }
        return best
    }
}
