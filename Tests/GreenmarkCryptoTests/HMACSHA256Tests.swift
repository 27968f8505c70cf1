import GreenmarkCrypto
import Testing

@Suite("HMAC-SHA256")
struct HMACSHA256Tests {
    /// RFC 4231 section 4: test cases 1, 2, 3 and 6 (a key longer than the block size).
    static let rfc4231: [(name: String, key: [UInt8], data: [UInt8], mac: String)] = [
        (
            "case 1", [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "case 2", Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            "case 3", [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            "case 6", [UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
    ]

    @Test("prepared-key HMAC matches RFC 4231", arguments: rfc4231.indices)
    func preparedMatchesRFC(index: Int) throws {
        let v = Self.rfc4231[index]
        let mac = try HMACSHA256(key: v.key)
        #expect(Hex.encode(mac.authenticationCode(for: v.data)) == v.mac, "\(v.name)")
    }

    @Test("OpenSSL one-shot HMAC() matches RFC 4231", arguments: rfc4231.indices)
    func oneShotMatchesRFC(index: Int) throws {
        let v = Self.rfc4231[index]
        #expect(Hex.encode(try HMACSHA256.oneShot(key: v.key, message: v.data)) == v.mac, "\(v.name)")
    }

    @Test("prepared-key HMAC equals OpenSSL HMAC() across key and message lengths")
    func preparedEqualsOneShot() throws {
        var rng = SystemRandomNumberGenerator()
        for keyLength in [0, 1, 31, 32, 33, 63, 64, 65, 200] {
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let mac = try HMACSHA256(key: key)
            for messageLength in [0, 1, 29, 55, 56, 63, 64, 65, 119, 1000] {
                let message = (0..<messageLength).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let expected = try HMACSHA256.oneShot(key: key, message: message)
                #expect(mac.authenticationCode(for: message) == expected, "key \(keyLength) message \(messageLength)")
                let prefix = message.withUnsafeBytes { mac.prefix32($0) }
                #expect(prefix == UInt32(expected[0]) << 24 | UInt32(expected[1]) << 16 | UInt32(expected[2]) << 8 | UInt32(expected[3]))
            }
        }
    }

    @Test("the prepared state is reusable: the same message gives the same MAC every time")
    func reusable() throws {
        let mac = try HMACSHA256(key: Array("Jefe".utf8))
        let first = mac.authenticationCode(for: Array("what do ya want for nothing?".utf8))
        _ = mac.authenticationCode(for: Array("something else entirely".utf8))
        #expect(mac.authenticationCode(for: Array("what do ya want for nothing?".utf8)) == first)
    }
}
