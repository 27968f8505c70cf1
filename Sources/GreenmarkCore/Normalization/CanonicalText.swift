import Foundation
import GreenmarkCrypto

/// The canonical form of a text that certificates digest (`docs/certificate-format.md`), so the
/// same essay copied through an editor still matches. Version 1 is defined over the code points
/// assigned in Unicode 14.0 (`firstUnassigned(in:)`; text with others has no canonical form):
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

    /// Unicode version whose assigned code points `greenmark-text-v1` accepts.
    public static let unicodeVersion = "14.0"

    /// The first code point of `text` that is not assigned in Unicode 14.0 (nil when there is
    /// none): such text has no canonical form, because NFC implementations of different Unicode
    /// versions may treat it differently. Issuers refuse it; verifiers report `text.unassigned`.
    public static func firstUnassigned(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { !isAssigned($0.value) }
    }

    /// Whether `codePoint` is assigned in Unicode 14.0 (binary search over the range table).
    public static func isAssigned(_ codePoint: UInt32) -> Bool {
        if codePoint < 0x378 { return true }  // the first range: U+0000…U+0377
        let table = unicode14AssignedRanges
        var low = 0, high = table.count / 2
        while low < high {
            let mid = (low + high) / 2
            if table[2 * mid + 1] < codePoint { low = mid + 1 } else { high = mid }
        }
        return low < table.count / 2 && table[2 * low] <= codePoint
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
