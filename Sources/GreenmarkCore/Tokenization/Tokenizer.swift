/// Turns text into the token ids a model sees: the seam between the core and a model backend.
///
/// The core defines it; `GreenmarkModel` implements it over llama.cpp, so other GGUF models (or
/// other backends) plug in without the core importing a C library.
public protocol Tokenizer: Sendable {
    /// A stable name for the vocabulary (for example the model file's name).
    var name: String { get }
    /// Number of entries in the vocabulary.
    var vocabularySize: Int { get }
    /// Tokenizes plain text: no BOS/EOS added, special-token markup treated as ordinary text.
    func tokenize(_ text: String) throws(GreenmarkError) -> [UInt32]
    /// The raw bytes one token contributes to the text (may be a partial UTF-8 sequence).
    func pieceBytes(of token: UInt32) -> [UInt8]
}
