import Foundation
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import Testing

@Suite("Keyring sealed under a master key")
struct SealedKeyringTests {
    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    private func contents(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    @Test("with a master key every write is sealed (0600, no secret in the file) and loads back; rotation stays sealed")
    func sealedRoundTrip() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = try MasterKey.generate()
        let store = KeyringStore(directory: dir, masterKey: .key(key))
        let ring = try store.initialize()
        #expect(store.isSealed)
        #expect(try mode(store.path) == 0o600)
        let text = contents(store.path)
        let secret = try ring.primary().secret
        #expect(text.hasPrefix("{\"alg\":\"A256GCM\""))
        #expect(text.contains("\"purpose\":\"keyring\"") && text.contains(key.id))
        for encoding in [Hex.encode(secret), Base64URL.encode(secret), Data(secret).base64EncodedString()] {
            #expect(!text.contains(encoding))
        }
        #expect(!text.contains(ring.keys[0].id))  // even the key ids are inside the ciphertext
        #expect(try store.load().primary().secret == secret)
        let new = try store.modify { keyring throws(GreenmarkError) in try keyring.rotated() }
        #expect(store.isSealed)
        #expect(try store.load().primary().id == new.id)
    }

    @Test("a sealed keyring without a master key, or under another one, is a clear coded error; a tampered one too")
    func wrongOrMissingKey() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = try MasterKey.generate()
        try KeyringStore(directory: dir, masterKey: .key(key)).initialize()
        do {
            _ = try KeyringStore(directory: dir).load()
            Issue.record("loaded a sealed keyring without a master key")
        } catch {
            #expect(error.code == .masterKeyRequired)
            #expect(error.reason.contains("GREENMARK_MASTER_KEY_FILE") && error.reason.contains("GREENMARK_MASTER_KEY"))
            #expect(error.reason.contains(key.id))
        }
        #expect(throws: GreenmarkError(.wrongMasterKey, "")) { try KeyringStore(directory: dir, masterKey: .key(try MasterKey.generate())).load() }
        // An unusable configuration is reported as such, even for a plaintext file.
        let bad = MasterKeySource.environment([MasterKey.environmentVariable: "AAAA"])
        #expect(throws: GreenmarkError(.masterKeyInvalid, "")) { try KeyringStore(directory: dir, masterKey: bad).load() }
        // Flip one ciphertext character: authentication fails, nothing is returned.
        let path = dir + "/" + KeyringStore.fileName
        var bytes = Array(FileManager.default.contents(atPath: path)!)
        let at = bytes.firstIndex(of: UInt8(ascii: ":"))! + 30  // inside "ciphertext"
        bytes[at] = bytes[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: GreenmarkError(.authenticationFailed, "")) {
            try KeyringStore(directory: dir, masterKey: .key(key)).load()
        }
    }

    @Test(
        "migration: with a master key configured a plaintext keyring is refused (load, modify: never re-sealed); seal() rewrites it sealed, atomically and 0600; once"
    )
    func migration() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ring = try KeyringStore(directory: dir).initialize()
        let key = try MasterKey.generate()
        let store = KeyringStore(directory: dir, masterKey: .key(key))
        #expect(!store.isSealed)
        let plaintext = try Data(contentsOf: URL(fileURLWithPath: store.path))
        #expect(throws: GreenmarkError(.plaintextRefused, "")) { try store.load() }
        #expect(throws: GreenmarkError(.plaintextRefused, "")) {
            try store.modify { ring throws(GreenmarkError) in try ring.rotated() }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.path)) == plaintext)  // not re-sealed, not changed
        #expect(throws: GreenmarkError(.masterKeyRequired, "")) { try KeyringStore(directory: dir).seal() }
        #expect(try store.seal())
        #expect(store.isSealed)
        #expect(try mode(store.path) == 0o600)
        #expect(try store.seal() == false)
        #expect(try store.load().primary().secret == ring.keys[0].secret)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }
        #expect(files == [KeyringStore.fileName])
    }

    @Test("without a master key the file is the plaintext keyring, exactly as before")
    func plaintextUnchanged() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ring = try KeyringStore(directory: dir).initialize()
        let text = contents(dir + "/" + KeyringStore.fileName)
        #expect(text.contains("\"format\" : \"greenmark-keyring\""))
        #expect(text.contains(Hex.encode(ring.keys[0].secret)))
    }
}
