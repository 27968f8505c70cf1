import Foundation
import GreenmarkCrypto
import Testing

@Suite("AES-256-GCM")
struct AES256GCMTests {
    /// The 256-bit-key test cases 13-16 of McGrew and Viega, "The Galois/Counter Mode of Operation
    /// (GCM)" (the GCM specification submitted to NIST), all with 96-bit IVs.
    static let vectors: [(name: String, key: String, iv: String, plaintext: String, aad: String, ciphertext: String, tag: String)] = {
        let k15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
        let p15 =
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
        let c15 =
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
            + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
        return [
            (
                "Test Case 13", String(repeating: "0", count: 64), String(repeating: "0", count: 24), "", "", "",
                "530f8afbc74536b9a963b4f1c4cb738b"
            ),
            (
                "Test Case 14", String(repeating: "0", count: 64), String(repeating: "0", count: 24), String(repeating: "0", count: 32), "",
                "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"
            ),
            ("Test Case 15", k15, "cafebabefacedbaddecaf888", p15, "", c15, "b094dac5d93471bdec1a502270e3cc6c"),
            (
                "Test Case 16", k15, "cafebabefacedbaddecaf888", String(p15.prefix(120)), "feedfacedeadbeeffeedfacedeadbeefabaddad2",
                String(c15.prefix(120)), "76fc6ece0f4e1768cddf8853bb2d551b"
            ),
        ]
    }()

    @Test("McGrew-Viega GCM test cases 13-16 (AES-256): seal gives the published ciphertext and tag, open gives the plaintext")
    func vectors() throws {
        for v in Self.vectors {
            let key = SecretBytes(try Hex.decode(v.key))
            let sealed = try AES256GCM.seal(try Hex.decode(v.plaintext), key: key, nonce: try Hex.decode(v.iv), aad: try Hex.decode(v.aad))
            #expect(Hex.encode(sealed.ciphertext) == v.ciphertext, "\(v.name) ciphertext")
            #expect(Hex.encode(sealed.tag) == v.tag, "\(v.name) tag")
            let opened = try AES256GCM.open(
                try Hex.decode(v.ciphertext), tag: try Hex.decode(v.tag), key: key,
                nonce: try Hex.decode(v.iv), aad: try Hex.decode(v.aad))
            #expect(Hex.encode(opened.copyBytes()) == v.plaintext, "\(v.name) plaintext")
        }
    }

    @Test("a flipped bit in the ciphertext, tag, nonce or AAD, or another key: authenticationFailed, never plaintext")
    func tamper() throws {
        let v = Self.vectors[3]
        let key = SecretBytes(try Hex.decode(v.key))
        let c = try Hex.decode(v.ciphertext)
        let t = try Hex.decode(v.tag)
        let n = try Hex.decode(v.iv)
        let a = try Hex.decode(v.aad)
        func flipped(_ bytes: [UInt8], _ i: Int) -> [UInt8] {
            var b = bytes
            b[i] ^= 0x01
            return b
        }
        let failure = CryptoError(.authenticationFailed, "")
        for i in [0, c.count / 2, c.count - 1] {
            #expect(throws: failure) { try AES256GCM.open(flipped(c, i), tag: t, key: key, nonce: n, aad: a) }
        }
        for i in [0, 15] {
            #expect(throws: failure) { try AES256GCM.open(c, tag: flipped(t, i), key: key, nonce: n, aad: a) }
        }
        #expect(throws: failure) { try AES256GCM.open(c, tag: t, key: key, nonce: flipped(n, 11), aad: a) }
        #expect(throws: failure) { try AES256GCM.open(c, tag: t, key: key, nonce: n, aad: flipped(a, 0)) }
        #expect(throws: failure) { try AES256GCM.open(c, tag: t, key: key, nonce: n, aad: []) }
        #expect(throws: failure) { try AES256GCM.open(c, tag: Array(t.prefix(12)), key: key, nonce: n, aad: a) }
        #expect(throws: failure) { try AES256GCM.open(Array(c.dropLast()), tag: t, key: key, nonce: n, aad: a) }
        var other = try Hex.decode(v.key)
        other[0] ^= 0x80
        #expect(throws: failure) { try AES256GCM.open(c, tag: t, key: SecretBytes(other), nonce: n, aad: a) }
        // The untampered input still opens (the checks above failed for the change, not the setup).
        #expect(try AES256GCM.open(c, tag: t, key: key, nonce: n, aad: a).copyBytes() == (try Hex.decode(v.plaintext)))
    }

    @Test("wrong key and nonce sizes are typed errors")
    func sizes() throws {
        let short = SecretBytes([UInt8](repeating: 1, count: 16))
        #expect(throws: CryptoError(.invalidKey, "")) { try AES256GCM.seal([1], key: short, nonce: [UInt8](repeating: 0, count: 12)) }
        let key = SecretBytes([UInt8](repeating: 1, count: 32))
        #expect(throws: CryptoError(.invalidKey, "")) { try AES256GCM.seal([1], key: key, nonce: [UInt8](repeating: 0, count: 8)) }
    }

    @Test("SecretBytes holds a copy and wipes it")
    func secretBytes() {
        let s = SecretBytes([1, 2, 3])
        #expect(s.count == 3 && s.copyBytes() == [1, 2, 3])
        s.wipe()
        #expect(s.copyBytes() == [0, 0, 0])
        #expect(SecretBytes([UInt8]()).copyBytes().isEmpty)
    }
}
