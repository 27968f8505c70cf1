import Foundation
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import Testing

/// Inputs that once broke a property checked by the libFuzzer targets in `Fuzz/`, kept in
/// `Fixtures/fuzz-regressions/<target>/` and run through the same path. Detect: strict UTF-8
/// decoding (a typed `input.invalid_utf8` error, or the same bytes back), normalization that is
/// idempotent, and detection that returns consistent counts or a typed `input.empty_text` error.
/// Keyring: `KeyringStore.load` on the bytes as `keyring.json` gives a keyring or a typed error.
@Suite("Fuzz regressions: the detect input path and the keyring loader")
struct FuzzRegressionTests {
    static let directory = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/fuzz-regressions/detect")
    static let keyringDirectory = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/fuzz-regressions/keyring")

    static func files(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static var inputs: [String] { files(in: directory) }
    static var keyringInputs: [String] { files(in: keyringDirectory) }

    @Test("the regression corpus is present")
    func corpusPresent() {
        #expect(Self.inputs.count >= 3)
        #expect(Self.keyringInputs.count >= 1)
    }

    @Test("each saved keyring input loads or fails with a typed keyring error", arguments: keyringInputs)
    func replayKeyring(name: String) throws {
        let bytes = try Data(contentsOf: Self.keyringDirectory.appendingPathComponent(name))
        let home = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = KeyringStore(directory: home)
        #expect(FileManager.default.createFile(atPath: store.path, contents: bytes, attributes: [.posixPermissions: 0o600]))
        do {
            let ring = try store.load()
            #expect(Set(ring.keys.map(\.id)).count == ring.keys.count)
        } catch {
            #expect(error.code == .keyringCorrupt, "\(name): \(error)")
        }
    }

    @Test("an empty keyring.json is corrupt, with its own message")
    func emptyKeyring() throws {
        let home = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = KeyringStore(directory: home)
        #expect(FileManager.default.createFile(atPath: store.path, contents: Data(), attributes: [.posixPermissions: 0o600]))
        let error = #expect(throws: GreenmarkError.self) { try store.load() }
        #expect(error?.code == .keyringCorrupt)
        #expect(error?.reason.hasSuffix("is empty") == true)
    }

    @Test("each saved input decodes, normalizes idempotently and scores without crashing", arguments: inputs)
    func replay(name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(name)))
        let text: String
        do {
            text = try TextInput.decodeUTF8(bytes)
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(String(validating: bytes, as: UTF8.self) == nil)
            return
        }
        let once = TextNormalizer().normalize(text)
        let twice = TextNormalizer().normalize(once.text)
        #expect(
            twice.text == once.text,
            "\(name): normalizing twice changed \(once.text.unicodeScalars.map(\.value)) to \(twice.text.unicodeScalars.map(\.value))")
        #expect(!twice.changed, "\(name): the second pass reported changes \(twice.changes)")

        let key = try WatermarkKey(secret: Array(repeating: 0x5A, count: 32), scheme: .leftHash, state: .primary)
        do {
            let result = try Detector(tokenizer: ByteTokenizer()).detect(text, key: key)
            #expect(result.greenTokens <= result.tokensScored && result.tokensScored <= result.tokensTotal)
            #expect((0...1).contains(result.pValue))
        } catch {
            #expect(error.code == .emptyText, "\(name): \(error)")
        }
    }

    @Test("a confusable mapped to ASCII before a combining mark is composed in the same pass")
    func confusableThenCombiningMark() {
        // Cyrillic а + COMBINING ACUTE: NFC leaves it (no precomposed form), step 5 maps а to a,
        // and a + U+0301 must then become á at once, not on a second normalization.
        let out = TextNormalizer().normalize("\u{0430}\u{0301}")
        #expect(out.text == "\u{00E1}")
        #expect(out.changes.confusablesMapped == 1)
        #expect(out.changes.composed)
    }

    @Test("an invisible character removed between a letter and its combining mark lets them compose")
    func invisibleBetweenLetterAndMark() {
        let out = TextNormalizer().normalize("e\u{200B}\u{0301}")
        #expect(out.text == "\u{00E9}")
        #expect(out.changes.invisibleRemoved == 1)
    }
}
