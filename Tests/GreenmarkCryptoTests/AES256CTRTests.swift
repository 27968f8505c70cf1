import GreenmarkCrypto
import Testing

@Suite("AES-256-CTR keystream (NIST SP 800-38A F.5.5)")
struct AES256CTRTests {
    static let key = Self.bytes("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")

    /// Decodes a hex literal of the test itself.
    static func bytes(_ hex: String) -> [UInt8] { try! Hex.decode(hex) }

    @Test("the keystream XOR the plaintext is SP 800-38A's CTR-AES256 ciphertext")
    func nistVector() throws {
        let plaintext = Self.bytes("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
        let ks = try AES256CTR.keystream(key: Self.key, counterBlock: Self.bytes("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), count: 32)
        let ciphertext = zip(plaintext, ks).map { $0 ^ $1 }
        #expect(Hex.encode(ciphertext) == "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5")
    }

    @Test("the whole 128-bit block is the counter, and seeking to a block equals reading up to it")
    func seekAndWrap() throws {
        let ks = try AES256CTR.keystream(key: Self.key, counterBlock: [UInt8](repeating: 0xff, count: 16), count: 32)
        let zero = try AES256CTR.keystream(key: Self.key, counterBlock: [UInt8](repeating: 0, count: 16), count: 48)
        #expect(Array(ks[16..<32]) == Array(zero[0..<16]))
        var two = [UInt8](repeating: 0, count: 16)
        two[15] = 2
        #expect(try AES256CTR.keystream(key: Self.key, counterBlock: two, count: 16) == Array(zero[32..<48]))
        #expect(try AES256CTR.keystream(key: Self.key, counterBlock: two, count: 0).isEmpty)
    }

    @Test("wrong key and counter lengths are rejected")
    func lengths() {
        #expect(throws: CryptoError.self) { try AES256CTR.keystream(key: [1, 2, 3], counterBlock: [UInt8](repeating: 0, count: 16), count: 16) }
        #expect(throws: CryptoError.self) { try AES256CTR.keystream(key: Self.key, counterBlock: [0], count: 16) }
    }
}
