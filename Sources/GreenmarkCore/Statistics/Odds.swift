#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Describes a tail probability as odds in words ("about 1 time in 3 million").
public enum Odds {
    /// Plain-words frequency for a p-value given as its base-10 logarithm.
    public static func inWords(log10Probability l: Double) -> String {
        if l >= log10(0.5) { return "about half the time or more often" }
        let n = pow(10, -l)  // 1 in n
        if !n.isFinite || n >= 1e15 {
            return "less than 1 time in 10^\(Int((-l).rounded(.down)))"
        }
        let scales: [(Double, String)] = [(1e12, " trillion"), (1e9, " billion"), (1e6, " million"), (1e3, " thousand")]
        for (scale, word) in scales where n >= scale {
            return "about 1 time in \(compact(n / scale))\(word)"
        }
        return "about 1 time in \(compact(n))"
    }

    /// Whole numbers from 10 up; one decimal below 10, without a trailing ".0".
    private static func compact(_ x: Double) -> String {
        if x >= 10 { return String(Int((x).rounded())) }
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
