/// Canonicalizes text before detection so that trivial transport changes do not move the score.
///
/// Version 1 removes a leading byte-order mark and maps CRLF and lone CR line endings to LF. It
/// reports whether anything changed, so results can say the text was normalized.
public struct TextNormalizer: Sendable {
    /// The normalized text and whether it differs from the input.
    public struct Output: Sendable {
        public let text: String
        public let changed: Bool
    }

    public init() {}

    /// Normalizes `text`.
    public func normalize(_ text: String) -> Output {
        var scalars = String.UnicodeScalarView()
        var changed = false
        var iterator = text.unicodeScalars.makeIterator()
        var first = true
        var pendingCR = false
        while let s = iterator.next() {
            defer { first = false }
            if first, s == "\u{FEFF}" {
                changed = true
                continue
            }
            if pendingCR {
                pendingCR = false
                scalars.append("\n")
                if s == "\n" { continue }
            }
            if s == "\r" {
                changed = true
                pendingCR = true
                continue
            }
            scalars.append(s)
        }
        if pendingCR { scalars.append("\n") }
        return Output(text: changed ? String(scalars) : text, changed: changed)
    }
}
