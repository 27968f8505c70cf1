import Foundation
import GreenmarkCore

/// The repository root, for reading the specs' test vectors under `docs/`.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A real (if simple) tokenizer for core tests: every UTF-8 byte is one token, ids 0...255.
/// The model-backed tokenizer is tested in GreenmarkModelTests.
struct ByteTokenizer: Tokenizer {
    let name = "bytes"
    let vocabularySize = 256
    var vocabularyID: String { Self.vocabularyID(pieces: (0..<256).map { [UInt8($0)] }) }
    func tokenize(_ text: String) throws(GreenmarkError) -> [UInt32] { text.utf8.map { UInt32($0) } }
    func pieceBytes(of token: UInt32) -> [UInt8] { token < 256 ? [UInt8(token)] : [] }
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-test-\(UUID().uuidString)").path
    return path
}

/// Text whose every byte after the first is green under `prf` (a random walk over printable
/// ASCII taking only green successors), i.e. what a maximally watermarked byte-level generator
/// would write. With 95 symbols there are about 2,250 green pairs, so few pairs repeat.
func fullyGreenText(prf: GreenListPRF, length: Int) -> String {
    let alphabet = (32...126).map { UInt8($0) }
    var rng = SystemRandomNumberGenerator()
    var bytes: [UInt8] =
        Array("the ".utf8.prefix(prf.scheme.contextWidth)) + Array(repeating: UInt8(ascii: "t"), count: max(0, prf.scheme.contextWidth - 4))
    while bytes.count < length {
        let context = bytes.suffix(prf.scheme.contextWidth).map { UInt32($0) }
        let flags = prf.greenFlags(context: context, candidates: alphabet.map { UInt32($0) })
        let greens = zip(alphabet, flags).filter { $0.1 }.map(\.0)
        bytes.append(greens.randomElement(using: &rng) ?? alphabet.randomElement(using: &rng)!)
    }
    return String(decoding: bytes, as: UTF8.self)
}
