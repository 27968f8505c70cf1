import GreenmarkCore

/// A tokenizer that answers from token ids computed once per text, so one corpus can be scored
/// under hundreds of keys through the ordinary `Detector` without re-tokenizing it each time.
/// Texts it has not seen go to the wrapped tokenizer, so results never differ from it.
public struct FairnessTokenCache: Tokenizer {
    public let base: any Tokenizer
    private let tokens: [String: [UInt32]]

    /// Tokenizes each of `texts` (already normalized, as the detector passes them) with `base`.
    public init(base: any Tokenizer, texts: [String]) throws(GreenmarkError) {
        self.base = base
        var tokens: [String: [UInt32]] = [:]
        for text in texts where tokens[text] == nil { tokens[text] = try base.tokenize(text) }
        self.tokens = tokens
    }

    /// Number of distinct texts cached.
    public var count: Int { tokens.count }

    public var name: String { base.name }
    public var vocabularyID: String { base.vocabularyID }
    public var vocabularySize: Int { base.vocabularySize }

    public func tokenize(_ text: String) throws(GreenmarkError) -> [UInt32] {
        if let cached = tokens[text] { return cached }
        return try base.tokenize(text)
    }

    public func pieceBytes(of token: UInt32) -> [UInt8] { base.pieceBytes(of: token) }
}
