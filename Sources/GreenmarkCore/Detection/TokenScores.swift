/// Green/scored flags for a token sequence under one PRF: the counting at the heart of detection.
public struct TokenScores: Sendable {
    /// G.
    public let green: Int
    /// T.
    public let scored: Int
    /// Per token: green under the key, or nil for the first h tokens.
    public let greenFlags: [Bool?]
    /// Per token: why it was not scored, or nil when it was.
    public let skips: [TokenMark.Skip?]

    /// Scores `tokens`: the first h have no context; with `ignoreRepeats`, a PRF input seen before
    /// (the (context, token) n-gram for LeftHash, the (anchor, token) pair for SelfHash) is not
    /// scored again, so every scored bit is a fresh PRF output.
    public init(tokens: [UInt32], prf: GreenListPRF, ignoreRepeats: Bool) {
        let h = prf.scheme.contextWidth
        var flags = [Bool?](repeating: nil, count: tokens.count)
        var skips = [TokenMark.Skip?](repeating: .noContext, count: tokens.count)
        var green = 0
        var scored = 0
        var seenPairs = Set<UInt64>()  // h == 1: context and token packed in 64 bits
        var seenGrams = Set<ArraySlice<UInt32>>()
        if tokens.count > h {
            tokens.withUnsafeBufferPointer { ids in
                for i in h..<ids.count {
                    let context = UnsafeBufferPointer(rebasing: ids[(i - h)..<i])
                    let isGreen: Bool
                    var fresh = true
                    switch prf.scheme.prf {
                    case .leftHashV1:
                        isGreen = prf.isGreen(context: context, token: ids[i])
                        if ignoreRepeats {
                            if h == 1 {
                                fresh = seenPairs.insert(UInt64(ids[i - 1]) << 32 | UInt64(ids[i])).inserted
                            } else {
                                fresh = seenGrams.insert(tokens[(i - h)...i]).inserted
                            }
                        }
                    case .selfHashV1:
                        // The green bit is a function of (anchor, token): a repeated pair repeats the bit.
                        let anchor = prf.anchor(context: context, token: ids[i])
                        isGreen = prf.isGreen(anchor: anchor, token: ids[i])
                        if ignoreRepeats { fresh = seenPairs.insert(UInt64(anchor) << 32 | UInt64(ids[i])).inserted }
                    }
                    flags[i] = isGreen
                    if fresh {
                        skips[i] = nil
                        scored += 1
                        if isGreen { green += 1 }
                    } else {
                        skips[i] = .repeated
                    }
                }
            }
        }
        self.green = green
        self.scored = scored
        self.greenFlags = flags
        self.skips = skips
    }
}
