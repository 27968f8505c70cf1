/// Character references of `HTMLReader`.
extension HTMLReader {
    /// HTML character references: numeric ones, and HTML 4's named ones.
    enum Entities {
        /// Latin-1's names, U+00A0 to U+00FF in code-point order.
        static let latin1 = """
            nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute \
            micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig \
            Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash \
            Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc \
            euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml \
            yacute thorn yuml
            """.split(separator: " ")

        /// Every known name and its scalar.
        static let named: [String: UInt32] = {
            var table: [String: UInt32] = [
                "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "OElig": 0x152, "oelig": 0x153,
                "Scaron": 0x160, "scaron": 0x161, "Yuml": 0x178, "fnof": 0x192, "circ": 0x2C6, "tilde": 0x2DC,
                "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009, "zwnj": 0x200C, "zwj": 0x200D, "lrm": 0x200E,
                "rlm": 0x200F, "ndash": 0x2013, "mdash": 0x2014, "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A,
                "ldquo": 0x201C, "rdquo": 0x201D, "bdquo": 0x201E, "dagger": 0x2020, "Dagger": 0x2021, "bull": 0x2022,
                "hellip": 0x2026, "permil": 0x2030, "prime": 0x2032, "Prime": 0x2033, "lsaquo": 0x2039, "rsaquo": 0x203A,
                "oline": 0x203E, "euro": 0x20AC, "trade": 0x2122, "minus": 0x2212, "larr": 0x2190, "rarr": 0x2192,
                "uarr": 0x2191, "darr": 0x2193, "harr": 0x2194, "le": 0x2264, "ge": 0x2265, "ne": 0x2260, "asymp": 0x2248,
                "infin": 0x221E,
            ]
            for (offset, name) in latin1.enumerated() { table[String(name)] = 0xA0 + UInt32(offset) }
            return table
        }()

        /// The reference at `start` (a `&`) decoded as UTF-8 and the index after it; a `&` that starts
        /// no known reference is itself.
        static func decode(_ bytes: [UInt8], at start: Int) -> ([UInt8], Int) {
            var end = start + 1
            while end < bytes.count, end - start <= 32, bytes[end] != UInt8(ascii: ";"), bytes[end] != UInt8(ascii: "&"),
                bytes[end] != UInt8(ascii: "<"), bytes[end] > 0x20
            {
                end += 1
            }
            guard end < bytes.count, bytes[end] == UInt8(ascii: ";") else { return ([bytes[start]], start + 1) }
            let name = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
            var value: UInt32?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                value = UInt32(name.dropFirst(2), radix: 16)
            } else if name.hasPrefix("#") {
                value = UInt32(name.dropFirst(), radix: 10)
            } else {
                value = named[name]
            }
            guard let value, value != 0, !name.contains("+"), !name.contains("-") else { return ([bytes[start]], start + 1) }
            // As browsers do: an invalid code point (a surrogate, past U+10FFFF) becomes U+FFFD.
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            return (Array(String(Character(scalar)).utf8), end + 1)
        }
    }
}
