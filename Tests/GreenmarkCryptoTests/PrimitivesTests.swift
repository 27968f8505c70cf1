import Foundation
import GreenmarkCrypto
import Testing

@Suite("SHA-256, hex, random, constant-time")
struct PrimitivesTests {
    @Test("SHA-256 of FIPS 180-2 examples")
    func sha256Vectors() {
        #expect(Hex.encode(SHA256Digest.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(SHA256Digest.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("SHA-256 of a file equals SHA-256 of its bytes, across the 1 MiB chunk boundary")
    func sha256File() throws {
        let bytes = (0..<(1 << 20) + 12345).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-sha-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SHA256Digest.hash(fileAtPath: path) == SHA256Digest.hash(bytes))
        #expect(throws: CryptoError(.unreadableFile, "")) { try SHA256Digest.hash(fileAtPath: path + ".missing") }
    }

    @Test("hex round-trips and rejects malformed input")
    func hex() throws {
        let bytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xfe, 0xff]
        #expect(Hex.encode(bytes) == "00017f80feff")
        #expect(try Hex.decode("00017F80FEff") == bytes)
        #expect(throws: CryptoError(.invalidHex, "")) { try Hex.decode("abc") }
        #expect(throws: CryptoError(.invalidHex, "")) { try Hex.decode("zz") }
    }

    @Test("CSPRNG gives the requested length and distinct draws")
    func random() throws {
        let a = try SecureRandom.bytes(count: 32)
        let b = try SecureRandom.bytes(count: 32)
        #expect(a.count == 32 && b.count == 32)
        #expect(a != b)
    }

    @Test("constant-time equality")
    func constantTime() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        var secret: [UInt8] = [9, 9, 9]
        ConstantTime.wipe(&secret)
        #expect(secret == [0, 0, 0])
    }
}

@Suite("Ed25519 and base64url")
struct Ed25519Tests {
    /// RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte).
    @Test("RFC 8032 test vectors")
    func rfc8032() throws {
        let cases: [(seed: String, pub: String, msg: String, sig: String)] = [
            (
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            ),
            (
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
            ),
        ]
        for c in cases {
            let key = try Ed25519PrivateKey(seed: Hex.decode(c.seed))
            #expect(Hex.encode(key.publicKey.rawRepresentation) == c.pub)
            let msg = try Hex.decode(c.msg)
            let sig = try key.signature(for: msg)
            #expect(Hex.encode(sig) == c.sig)
            #expect(key.publicKey.isValidSignature(sig, for: msg))
            var bad = sig
            bad[0] ^= 1
            #expect(!key.publicKey.isValidSignature(bad, for: msg))
            #expect(!key.publicKey.isValidSignature(sig, for: msg + [0]))
            #expect(!key.publicKey.isValidSignature(sig.prefix(63), for: msg))
        }
        #expect(throws: CryptoError(.invalidKey, "")) { try Ed25519PublicKey(rawRepresentation: [1, 2, 3]) }
    }

    @Test("base64url round-trips and rejects malformed input")
    func base64url() throws {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let s = Base64URL.encode(bytes)
            #expect(!s.contains("=") && !s.contains("+") && !s.contains("/"))
            #expect(try Base64URL.decode(s) == bytes)
        }
        #expect(Base64URL.encode(Array("hello?>".utf8)) == "aGVsbG8_Pg")
        for bad in ["aGVsbG8_Pg==", "a", "aGVs bG8", "aGVsbG8+Pg", "aR"] {
            #expect(throws: CryptoError(.invalidBase64, "")) { try Base64URL.decode(bad) }
        }
    }
}
