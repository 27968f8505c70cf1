import GreenmarkCore

/// A real (if simple) tokenizer: every UTF-8 byte is one token, ids 0...255 (as in
/// `Tests/GreenmarkCoreTests/TestSupport.swift`). Pieces tile the text exactly.
public struct ByteTokenizer: Tokenizer {
    public let name = "bytes"
    public let vocabularySize = 256
    public var vocabularyID: String { Self.vocabularyID(pieces: (0..<256).map { [UInt8($0)] }) }

    public init() {}

    public func tokenize(_ text: String) throws(GreenmarkError) -> [UInt32] { text.utf8.map { UInt32($0) } }
    public func pieceBytes(of token: UInt32) -> [UInt8] { token < 256 ? [UInt8(token)] : [] }
}
