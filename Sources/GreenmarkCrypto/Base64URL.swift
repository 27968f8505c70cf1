/// Base64url without padding (RFC 4648 section 5), as JWS uses it; decoding is strict.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Encodes without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let b = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity((b.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= b.count {
            let n = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = b.count - i
        if rest == 1 {
            let n = UInt32(b[i]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes; rejects padding, characters outside the alphabet, impossible lengths and
    /// non-canonical trailing bits.
    public static func decode(_ string: String) throws(CryptoError) -> [UInt8] {
        var string = string
        return try string.withUTF8 { decode($0) }.get()
    }

    private static func decode(_ chars: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], CryptoError> {
        guard chars.count % 4 != 1 else { return .failure(CryptoError(.invalidBase64, "impossible base64url length")) }
        let count = chars.count / 4 * 3 + max(0, chars.count % 4 - 1)
        var valid = true
        var acc: UInt32 = 0
        var bits = 0
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var o = 0
            reverse.withUnsafeBufferPointer { table in
                for c in chars {
                    let v = table[Int(c)]
                    guard v >= 0 else {
                        valid = false
                        break
                    }
                    acc = acc << 6 | UInt32(v)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        buffer[o] = UInt8(truncatingIfNeeded: acc >> UInt32(bits))
                        o += 1
                        acc &= (1 << UInt32(bits)) - 1
                    }
                }
            }
            initialized = o
        }
        guard valid else { return .failure(CryptoError(.invalidBase64, "invalid base64url character")) }
        guard acc == 0 else { return .failure(CryptoError(.invalidBase64, "non-canonical base64url")) }
        return .success(out)
    }
}
