import FuzzSupport
import GreenmarkCore

/// libFuzzer entry point: the detect input path on raw bytes. `TextInput.decodeUTF8` must accept
/// exactly the valid UTF-8 inputs; the normalizer must be idempotent (normalizing its own output
/// changes nothing); the canonical text of certificates must be idempotent too; detection with a
/// byte tokenizer and fixed keys (LeftHash and SelfHash, with and without span search) must give
/// consistent counts and a p-value in [0, 1], or a typed error for empty text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDetect(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text: String
    do {
        text = try TextInput.decodeUTF8(bytes)
    } catch {
        FuzzCheck.require(String(validating: bytes, as: UTF8.self) == nil, "decodeUTF8 rejected valid UTF-8")
        FuzzCheck.require(error.code == .invalidUTF8, "decodeUTF8 threw \(error.code)")
        return 0
    }
    FuzzCheck.require(Array(text.utf8) == bytes, "decodeUTF8 changed the bytes")

    let normalizer = TextNormalizer()
    let once = normalizer.normalize(text)
    let twice = normalizer.normalize(once.text)
    FuzzCheck.require(
        twice.text == once.text && !twice.changed,
        "normalization is not idempotent: \(once.text.unicodeScalars.map { String($0.value, radix: 16) }) → \(twice.text.unicodeScalars.map { String($0.value, radix: 16) }) (\(twice.changes))"
    )

    let canonical = CanonicalText.bytes(of: text)
    FuzzCheck.require(CanonicalText.bytes(of: String(decoding: canonical, as: UTF8.self)) == canonical, "canonical text is not idempotent")

    let tokenizer = ByteTokenizer()
    for (keys, spans) in [([FuzzFixtures.watermarkKey], false), ([FuzzFixtures.watermarkKey, FuzzFixtures.selfHashKey], true)] {
        let detector = Detector(tokenizer: tokenizer, configuration: DetectorConfiguration.default.searchingSpans(spans))
        do {
            let result = try detector.detect(text, keys: keys)
            FuzzCheck.require(
                result.greenTokens <= result.tokensScored && result.tokensScored <= result.tokensTotal,
                "counts: \(result.greenTokens) green of \(result.tokensScored) scored of \(result.tokensTotal)")
            FuzzCheck.require(result.pValue >= 0 && result.pValue <= 1, "p-value \(result.pValue)")
            FuzzCheck.require(!result.zScore.isNaN, "z is NaN")
            FuzzCheck.require(result.mask?.count == result.tokensTotal, "mask length \(result.mask?.count ?? -1) for \(result.tokensTotal) tokens")
        } catch {
            FuzzCheck.require(error.code == .emptyText, "detection threw \(error.code): \(error.reason)")
        }
    }
    return 0
}
