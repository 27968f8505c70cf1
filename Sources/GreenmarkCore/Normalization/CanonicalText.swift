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

    /// The canonical UTF-8 bytes of `text`. Works on UTF-8 bytes: every character the rules remove or
    /// replace is ASCII except U+00A0 and U+FEFF, which are trimmed as their whole UTF-8 sequences.
    public static func bytes(of text: String) -> [UInt8] {
        var nfc = isNFCWithoutNormalizing(text) ? text : text.precomposedStringWithCanonicalMapping
        return nfc.withUTF8 { canonicalLines($0) }
    }

    /// Whether `text` is its own NFC without looking further: every code point below U+0300 is a
    /// starter that no NFC step changes, reorders or composes with what precedes it (UTF-8 lead
    /// bytes from 0xCC on start U+0300 and above, so the check is one pass over the bytes).
    static func isNFCWithoutNormalizing(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in bytes.allSatisfy { $0 < 0xCC } }
            ?? text.utf8.allSatisfy { $0 < 0xCC }
    }

    /// Steps 2–4 on the UTF-8 of NFC text.
    private static func canonicalLines(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var pendingCR = false
        for b in input {
            if pendingCR {
                pendingCR = false
                appendNewline(&out)
                if b == 0x0A { continue }
            }
            if b == 0x0D {
                pendingCR = true
                continue
            }
            if b == 0x0A {
                appendNewline(&out)
                continue
            }
            out.append(b)
        }
        if pendingCR { appendNewline(&out) }
        stripLineEnd(&out)
        var start = 0
        var end = out.count
        while start < end {
            let b = out[start]
            if b == 0x09 || b == 0x0A || b == 0x0B || b == 0x0C || b == 0x0D || b == 0x20 {
                start += 1
            } else if b == 0xC2, start + 1 < end, out[start + 1] == 0xA0 {
                start += 2
            } else if b == 0xEF, start + 2 < end, out[start + 1] == 0xBB, out[start + 2] == 0xBF {
                start += 3
            } else {
                break
            }
        }
        while end > start {
            let b = out[end - 1]
            if b == 0x09 || b == 0x0A || b == 0x0B || b == 0x0C || b == 0x0D || b == 0x20 {
                end -= 1
            } else if b == 0xA0, end - 2 >= start, out[end - 2] == 0xC2 {
                end -= 2
            } else if b == 0xBF, end - 3 >= start, out[end - 2] == 0xBB, out[end - 3] == 0xEF {
                end -= 3
            } else {
                break
            }
        }
        if start == 0 && end == out.count { return out }
        return Array(out[start..<end])
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
        var low = 0
        var high = table.count / 2
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

    private static func appendNewline(_ bytes: inout [UInt8]) {
        stripLineEnd(&bytes)
        bytes.append(0x0A)
    }

    /// Removes spaces and tabs at the end (single bytes in UTF-8, never part of another sequence).
    private static func stripLineEnd(_ bytes: inout [UInt8]) {
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
    }
}
