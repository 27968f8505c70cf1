/// One token of a scored text: its text, where it sits, and how it was scored.
public struct TokenMark: Codable, Sendable, Equatable {
    /// Why a token was not scored.
    public enum Skip: String, Codable, Sendable {
        /// One of the first h tokens, which have no full context.
        case noContext = "no_context"
        /// The same (context, token) pair was already scored earlier in the text.
        case repeated
    }

    /// Token id in the tokenizer's vocabulary.
    public let id: UInt32
    /// The token's text (bytes decoded leniently; a piece of a multi-byte character shows U+FFFD).
    public let text: String
    /// UTF-8 byte offset of the token in the normalized text, when pieces tile the text exactly.
    public let start: Int?
    /// UTF-8 byte offset just past the token, when pieces tile the text exactly.
    public let end: Int?
    /// Whether the token is green under the key; nil when it has no full context.
    public let green: Bool?
    /// Whether the token counts toward the statistic.
    public let scored: Bool
    /// Why the token was not scored, if it was not.
    public let skip: Skip?
    /// gumbel-v1 only: the token's -ln(1 - r) under the key (nil without full context, and for the
    /// green-list schemes, whose tokens carry `green` instead).
    public let score: Double?

    public init(id: UInt32, text: String, start: Int?, end: Int?, green: Bool?, scored: Bool, skip: Skip?, score: Double? = nil) {
        self.id = id
        self.text = text
        self.start = start
        self.end = end
        self.green = green
        self.scored = scored
        self.skip = skip
        self.score = score
    }
}
