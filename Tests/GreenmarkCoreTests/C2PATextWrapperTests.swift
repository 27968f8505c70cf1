import Foundation
import GreenmarkCore
import GreenmarkTestSupport
import Testing

/// What Greenmark does today with text carrying a C2PA 2.4 appendix A.8 manifest wrapper (U+FEFF
/// then variation selectors), from the c2pa-org/public-testfiles assets in
/// `../shared/external-vectors/c2pa-text-a8` (read at run time, never copied): the detector's
/// normalizer removes every wrapper (all its characters are Default_Ignorable_Code_Point), so
/// detection sees the visible sentence; `greenmark-text-v1` keeps them, so a certificate's text
/// digest differs with and without the wrapper (`docs/certificate-format.md`, "Embedding in text").
@Suite(
    "C2PA A.8 text wrappers through the normalizer and the canonical text",
    .enabled(
        if: ExternalVectors.enabled("c2pa-text-a8"),
        "needs ../shared/external-vectors/c2pa-text-a8 (never copied here); always runs when CI is set"))
struct C2PATextWrapperTests {
    static let visible = "This sentence carries an invisible C2PA text manifest wrapper at its end."

    @Test("all 7 assets normalize to the visible sentence; the 6 with a selector run change the canonical digest input")
    func wrappers() throws {
        let files = ["wrapper", "wrapper-padded", "bad-magic", "bad-version", "bad-length", "two-wrappers", "no-wrapper"]
        var wrapped = 0
        for name in files {
            let data = try ExternalVectors.data("c2pa-text-a8", "writerslogic-20260714-a8-\(name).txt")
            let text = try #require(String(data: data, encoding: .utf8), "\(name)")
            #expect(TextNormalizer().normalize(text).text == Self.visible, "\(name)")
            let hasWrapper = text != Self.visible
            #expect(hasWrapper == (name != "no-wrapper"), "\(name)")
            if hasWrapper {
                #expect(CanonicalText.bytes(of: text) != Array(Self.visible.utf8), "\(name)")
                wrapped += 1
            }
        }
        #expect(wrapped == 6)
        // The hard-binding example: the 187-byte asset minus the 114-byte exclusion is the visible text.
        let asset = try ExternalVectors.data("c2pa-text-a8", "writerslogic-20260714-a8-wrapper.txt")
        #expect(asset.count == 187 && Array(asset.prefix(73)) == Array(Self.visible.utf8))
    }
}
