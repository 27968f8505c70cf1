import GreenmarkCrypto

/// Turns text into the token ids a model sees: the seam between the core and a model backend.
///
/// The core defines it; `GreenmarkModel` implements it over llama.cpp, so other GGUF models (or
/// other backends) plug in without the core importing a C library.
public protocol Tokenizer: Sendable {
    /// A stable name for the vocabulary (for example the model file's name).
    var name: String { get }
    /// Fingerprint of the vocabulary (`vocab-` + 16 hex digits of SHA-256 over every token's
    /// length-prefixed bytes): two tokenizers with the same id split text the same way.
    var vocabularyID: String { get }
    /// Number of entries in the vocabulary.
    var vocabularySize: Int { get }
    /// Tokenizes plain text: no BOS/EOS added, special-token markup treated as ordinary text.
    func tokenize(_ text: String) throws(GreenmarkError) -> [UInt32]
    /// The raw bytes one token contributes to the text (may be a partial UTF-8 sequence).
    func pieceBytes(of token: UInt32) -> [UInt8]
}

extension Tokenizer {
    /// The vocabulary fingerprint for a table of token pieces, indexed by token id.
    public static func vocabularyID(pieces: [[UInt8]]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pieces.count * 8)
        for piece in pieces {
            let n = UInt32(piece.count)
            bytes += [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
            bytes += piece
        }
        return "vocab-" + Hex.encode(SHA256Digest.hash(bytes).prefix(8))
    }
}
