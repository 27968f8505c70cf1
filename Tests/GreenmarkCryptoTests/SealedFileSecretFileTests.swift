import Foundation
import GreenmarkCrypto
import Testing

/// `SealedFile.unseal` and `seal(_:at:)`, the one way the keyring, signing-key and log-key stores read and seal a secret file.
@Suite("Secret files: sealed, plaintext, refused")
struct SealedFileSecretFileTests {
    let plaintext = Data(#"{"seed":"abc"}"#.utf8)

    @Test("a sealed file opens to its plaintext under its master key and purpose")
    func opens() throws {
        let key = try MasterKey.generate()
        var data = Data(try SealedFile.seal(plaintext, purpose: .logKey, masterKey: key))
        try SealedFile.unseal(&data, at: "/home/log-key.json", purpose: .logKey, masterKey: key)
        #expect(data == plaintext)
    }

    @Test("a failure to open keeps SealedFile.open's code and names the path")
    func failures() throws {
        let key = try MasterKey.generate()
        let sealed = Data(try SealedFile.seal(plaintext, purpose: .keyring, masterKey: key))
        let cases: [(SealedFile.Purpose, MasterKey?, CryptoError.Code)] = [
            (.signing, key, .sealedPurposeMismatch), (.keyring, nil, .masterKeyRequired), (.keyring, try MasterKey.generate(), .wrongMasterKey),
        ]
        for (purpose, masterKey, code) in cases {
            var data = sealed
            let error = #expect(throws: CryptoError.self) {
                try SealedFile.unseal(&data, at: "/home/keyring.json", purpose: purpose, masterKey: masterKey)
            }
            #expect(error?.code == code)
            #expect(error?.reason.hasPrefix("/home/keyring.json: ") == true)
        }
    }

    @Test("a plaintext file is refused while a master key is configured, unless accepted (seal); without a key it stays as it is")
    func plaintextFiles() throws {
        let key = try MasterKey.generate()
        var data = plaintext
        let error = #expect(throws: CryptoError.self) {
            try SealedFile.unseal(&data, at: "/home/signing.json", purpose: .signing, masterKey: key)
        }
        let refused = SealedFile.plaintextRefused(path: "/home/signing.json")
        #expect(error?.code == refused.code && error?.reason == refused.reason)
        try SealedFile.unseal(&data, at: "/home/signing.json", purpose: .signing, masterKey: key, acceptingPlaintext: true)
        #expect(data == plaintext)
        try SealedFile.unseal(&data, at: "/home/signing.json", purpose: .signing, masterKey: nil)
        #expect(data == plaintext)
    }

    @Test("isSealed(fileAt:) is false for a missing or plaintext file, true for a sealed one; sealing without a key is master_key_required")
    func filesAndSealing() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-unseal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(!SealedFile.isSealed(fileAt: path))
        try plaintext.write(to: URL(fileURLWithPath: path))
        #expect(!SealedFile.isSealed(fileAt: path))
        try Data(try SealedFile.seal(plaintext, purpose: .keyring, masterKey: try MasterKey.generate())).write(to: URL(fileURLWithPath: path))
        #expect(SealedFile.isSealed(fileAt: path))
        #expect(SealedFile.sealingNeedsMasterKey.code == .masterKeyRequired)
    }

    @Test("seal(_:at:) seals in place under a master key (unseal opens it again) and leaves the bytes as they are without one")
    func sealsInPlace() throws {
        let key = try MasterKey.generate()
        var data = plaintext
        try SealedFile.seal(&data, at: "/home/keyring.json", purpose: .keyring, masterKey: nil)
        #expect(data == plaintext)
        try SealedFile.seal(&data, at: "/home/keyring.json", purpose: .keyring, masterKey: key)
        #expect(SealedFile.isSealed(data) && SealedFile.masterKeyID(of: data) == key.id)
        try SealedFile.unseal(&data, at: "/home/keyring.json", purpose: .keyring, masterKey: key)
        #expect(data == plaintext)
    }
}
