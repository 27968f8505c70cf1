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
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
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
