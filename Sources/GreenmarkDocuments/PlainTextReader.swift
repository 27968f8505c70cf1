import Foundation

/// `.txt` and `.md`: UTF-8, a byte-order mark removed, CRLF and CR line ends made LF.
enum PlainTextReader {
    /// The text of `data`, or `input.invalid_encoding`.
    static func read(_ data: [UInt8], notes: inout [String]) throws(DocumentError) -> String {
        try decode(data, notes: &notes)
    }

    /// `data` as UTF-8 without a BOM and with LF line ends; invalid UTF-8 is refused (never replaced).
    static func decode(_ data: [UInt8], notes: inout [String]) throws(DocumentError) -> String {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes = bytes.dropFirst(3)
            notes.append("a UTF-8 byte-order mark was removed")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DocumentError(.invalidEncoding, "the text is not valid UTF-8; save it as UTF-8")
        }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }
}
