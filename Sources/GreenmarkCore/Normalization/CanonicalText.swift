import Foundation
import GreenmarkCrypto

/// The canonical form of a text that certificates digest (`docs/certificate-format.md`), so the
/// same essay copied through an editor still matches. Version 1:
///
/// 1. Unicode NFC;
/// 2. CRLF and lone CR become LF;
/// 3. spaces and tabs at the end of every line are removed;
/// 4. leading and trailing characters in {TAB, LF, VT, FF, CR, SPACE, U+00A0, U+FEFF} are removed;
/// 5. the result is encoded as UTF-8.
public enum CanonicalText {
    /// Name of this canonicalization, carried in certificates.
    public static let version = "greenmark-text-v1"

    private static let trimmed: Set<Unicode.Scalar> = ["\t", "\n", "\u{0B}", "\u{0C}", "\r", " ", "\u{A0}", "\u{FEFF}"]

    /// The canonical UTF-8 bytes of `text`.
    public static func bytes(of text: String) -> [UInt8] {
        let nfc = text.precomposedStringWithCanonicalMapping
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(nfc.unicodeScalars.count)
        var iterator = nfc.unicodeScalars.makeIterator()
        var pendingCR = false
        while let s = iterator.next() {
            if pendingCR {
                pendingCR = false
                appendNewline(&scalars)
                if s == "\n" { continue }
            }
            if s == "\r" { pendingCR = true; continue }
            if s == "\n" { appendNewline(&scalars); continue }
            scalars.append(s)
        }
        if pendingCR { appendNewline(&scalars) }
        stripLineEnd(&scalars)
        var start = 0
        var end = scalars.count
        while start < end, trimmed.contains(scalars[start]) { start += 1 }
        while end > start, trimmed.contains(scalars[end - 1]) { end -= 1 }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start..<end])
        return Array(String(out).utf8)
    }

    /// Lower-case hex SHA-256 of the canonical bytes.
    public static func sha256(of text: String) -> String {
        Hex.encode(SHA256Digest.hash(bytes(of: text)))
    }

    private static func appendNewline(_ scalars: inout [Unicode.Scalar]) {
        stripLineEnd(&scalars)
        scalars.append("\n")
    }

    private static func stripLineEnd(_ scalars: inout [Unicode.Scalar]) {
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    }
}
