/// Strict decoding of user-supplied bytes into text.
public enum TextInput {
    /// Decodes UTF-8, rejecting malformed input with the byte offset of the first bad sequence.
    public static func decodeUTF8(_ bytes: [UInt8]) throws(GreenmarkError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): offset += UTF8.width(s)
            case .emptyInput: break loop
            case .error: break loop
            }
        }
        throw GreenmarkError(.invalidUTF8, "input is not valid UTF-8 (first bad byte at offset \(offset))")
    }

    /// Throws `emptyText` when `text` has no non-whitespace character.
    public static func requireContent(_ text: String) throws(GreenmarkError) {
        if text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace || $0 == "\u{FEFF}" }) {
            throw GreenmarkError(.emptyText, "the text is empty; there is nothing to score")
        }
    }
}
