/// The span of a text that partial-text search found most watermarked.
public struct SpanMatch: Codable, Sendable, Equatable {
    /// Index of the span's first token in the text's token sequence.
    public let tokenStart: Int
    /// Index just past the span's last token.
    public let tokenEnd: Int
    /// UTF-8 byte offsets of the span in the normalized text, when token pieces tile the text.
    public let byteStart: Int?
    public let byteEnd: Int?
    /// Scored tokens in the span (the window length).
    public let tokensScored: Int
    /// Green tokens in the span (0 for gumbel-v1).
    public let greenTokens: Int
    /// gumbel-v1 only: the span's score S_w (absent for the green-list schemes).
    public let score: Double?
    /// z of the span alone (gumbel-v1: (S_w - L) / sqrt(L)).
    public let zScore: Double
    /// The span's own exact tail probability, before any correction (not a valid p-value on its own).
    public let pValueUncorrected: Double
    public let log10PValueUncorrected: Double
    /// Windows searched per key: the correction factor's m.
    public let windowsSearched: Int
    /// The span's text (decoded from the token pieces).
    public let text: String

    public init(
        tokenStart: Int, tokenEnd: Int, byteStart: Int?, byteEnd: Int?, tokensScored: Int, greenTokens: Int,
        zScore: Double, pValueUncorrected: Double, log10PValueUncorrected: Double, windowsSearched: Int, text: String,
        score: Double? = nil
    ) {
        self.tokenStart = tokenStart
        self.tokenEnd = tokenEnd
        self.byteStart = byteStart
        self.byteEnd = byteEnd
        self.tokensScored = tokensScored
        self.greenTokens = greenTokens
        self.score = score
        self.zScore = zScore
        self.pValueUncorrected = pValueUncorrected
        self.log10PValueUncorrected = log10PValueUncorrected
        self.windowsSearched = windowsSearched
        self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case tokenStart = "token_start"
        case tokenEnd = "token_end"
        case byteStart = "byte_start"
        case byteEnd = "byte_end"
        case tokensScored = "tokens_scored"
        case greenTokens = "green_tokens"
        case score
        case zScore = "z_score"
        case pValueUncorrected = "p_value_uncorrected"
        case log10PValueUncorrected = "log10_p_value_uncorrected"
        case windowsSearched = "windows_searched"
        case text
    }
}
