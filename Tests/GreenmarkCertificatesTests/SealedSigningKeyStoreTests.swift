import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import Testing

@Suite("Signing keys sealed under a master key")
struct SealedSigningKeyStoreTests {
    let world = ConformanceWorld()

    func temporaryHome() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gm-sign-\(UUID().uuidString)").path
    }

    @Test("sealed signing.json (0600, no seed in it), trust files public; issuing and rotating work; no key or another key fails clearly")
    func sealed() throws {
        let home = temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let key = try MasterKey.generate()
        let store = SigningKeyStore(directory: home, masterKey: .key(key))
        try store.initialize(watermarkKeys: [world.watermarkKey])
        #expect(store.isSealed)
        #expect((try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int) == 0o600)
        let text = String(decoding: FileManager.default.contents(atPath: store.path)!, as: UTF8.self)
        #expect(text.contains("\"purpose\":\"signing\"") && !text.contains("seed_hex"))
        // The public files stay readable JSON.
        #expect(try store.trustedRoot().unverifiedBody().version == 1)
        #expect(String(decoding: FileManager.default.contents(atPath: store.trustDirectory + "/root-key.json")!, as: UTF8.self).contains("{"))
        _ = try store.activeIssuer().attestDetection(text: world.text, result: world.detection(for: world.text), vocabulary: "vocab-x")
        try store.rotateIssuer(watermarkKeys: [world.watermarkKey])
        #expect(store.isSealed)

        #expect(throws: CertificateError(.masterKeyRequired, "")) { try SigningKeyStore(directory: home).activeIssuer() }
        #expect(throws: CertificateError(.wrongMasterKey, "")) {
            try SigningKeyStore(directory: home, masterKey: .key(try MasterKey.generate())).activeIssuer()
        }
    }

    @Test("a sealed keyring put in place of signing.json is refused (the purpose is bound), not used")
    func purposeSwap() throws {
        let home = temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let key = try MasterKey.generate()
        let ring = try KeyringStore(directory: home, masterKey: .key(key)).initialize()
        let store = SigningKeyStore(directory: home, masterKey: .key(key))
        try store.initialize(watermarkKeys: ring.keys)
        try FileManager.default.removeItem(atPath: store.path)
        try FileManager.default.copyItem(atPath: home + "/" + KeyringStore.fileName, toPath: store.path)
        #expect(throws: CertificateError(.sealedPurposeMismatch, "")) { try store.activeIssuer() }
    }

    @Test(
        "migration: with a master key a plaintext signing.json is refused (never used, never re-sealed by a change); seal() seals it without publishing a new trusted root"
    )
    func migration() throws {
        let home = temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let before = try SigningKeyStore(directory: home).initialize(watermarkKeys: [world.watermarkKey]).unverifiedBody().issuingKeys
        let key = try MasterKey.generate()
        let store = SigningKeyStore(directory: home, masterKey: .key(key))
        #expect(!store.isSealed)
        let refused = CertificateError(.plaintextRefused, "")
        #expect(throws: refused) { try store.activeIssuer() }
        #expect(throws: refused) { try store.rotateIssuer(watermarkKeys: [world.watermarkKey]) }
        #expect(!store.isSealed)
        #expect(try store.seal())
        #expect(store.isSealed)
        #expect(try store.seal() == false)
        #expect(try store.trustedRoot().unverifiedBody().issuingKeys == before)
        _ = try store.activeIssuer()
        #expect(try store.trustedRoot().unverifiedBody().version == 1)
        #expect((try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int) == 0o600)
        #expect(throws: CertificateError(.masterKeyRequired, "")) { try SigningKeyStore(directory: home).seal() }
    }
}
