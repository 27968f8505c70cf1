import Foundation
import GreenmarkCrypto
import GreenmarkTransparency
import Testing

/// The daemon's kept log key and checkpoint: the same bytes as loading and signing per use, and
/// every change to the key file seen on the next use.
@Suite("log signer")
struct LogSignerTests {
    let root = [UInt8](repeating: 0xAB, count: 32)

    private func temporaryHome() throws -> String {
        let path = NSTemporaryDirectory() + "greenmark-logsigner-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    @Test("a kept note is byte for byte what loading the key and signing gives, and verifies")
    func keptNoteMatchesFreshSignature() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let signer = LogSigner(directory: home)
        let first = try signer.signedCheckpoint(size: 7, root: root)  // creates the key file
        let key = try LogKey.loadOrCreate(directory: home)
        #expect(try signer.key().origin == key.origin)
        let fresh = try Checkpoint(origin: key.origin, size: 7, root: root).signed(name: key.origin, key: key.key)
        #expect(first == fresh)
        #expect(try signer.signedCheckpoint(size: 7, root: root) == fresh)  // from the cache now
        let checkpoint = try Checkpoint.verify(note: fresh, name: key.origin, publicKey: key.key.publicKey)
        #expect(checkpoint.size == 7 && checkpoint.root == root)

        let grown = try signer.signedCheckpoint(size: 8, root: [UInt8](repeating: 0xCD, count: 32))
        #expect(grown != fresh)
        #expect(try Checkpoint.verify(note: grown, name: key.origin, publicKey: key.key.publicKey).size == 8)
        // An older size asked for later (a slower request) is still signed correctly.
        #expect(try signer.signedCheckpoint(size: 7, root: root) == fresh)
        #expect(try signer.signedCheckpoint(size: 8, root: [UInt8](repeating: 0xCD, count: 32)) == grown)
    }

    @Test("a key file replaced by rename gives the new key's origin and signatures on the next use")
    func replacedKeyFileTakesEffect() throws {
        let home = try temporaryHome()
        let other = try temporaryHome()
        defer { for h in [home, other] { try? FileManager.default.removeItem(atPath: h) } }
        let signer = LogSigner(directory: home)
        let before = try signer.signedCheckpoint(size: 3, root: root)
        let oldOrigin = try signer.key().origin
        let replacement = try LogKey.loadOrCreate(directory: other)
        #expect(replacement.origin != oldOrigin)
        #expect(rename(other + "/" + LogKey.fileName, home + "/" + LogKey.fileName) == 0)  // as KeySync writes it
        #expect(try signer.key().origin == replacement.origin)
        let after = try signer.signedCheckpoint(size: 3, root: root)
        #expect(after != before)
        #expect(try Checkpoint.verify(note: after, name: replacement.origin, publicKey: replacement.key.publicKey).size == 3)
    }

    @Test("a key file made readable by others is refused on the next use, as without the cache")
    func permissionsCheckedPerChange() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let signer = LogSigner(directory: home)
        _ = try signer.signedCheckpoint(size: 1, root: root)  // creates the key file
        let note = try signer.signedCheckpoint(size: 1, root: root)  // loads it and keeps key and note
        let path = home + "/" + LogKey.fileName
        #expect(chmod(path, 0o644) == 0)
        #expect(throws: TransparencyError.self) { try signer.signedCheckpoint(size: 1, root: root) }
        let error = try #require(throws: TransparencyError.self) { try signer.key() }
        #expect(error.code == .logKeyUnusable && error.reason.contains("readable by others"))
        #expect(chmod(path, 0o600) == 0)
        #expect(try signer.signedCheckpoint(size: 1, root: root) == note)
    }

    @Test("a sealed key file opens under its master key and is refused under another")
    func sealedKeyFile() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let master = try MasterKey.generate()
        let signer = LogSigner(directory: home, masterKey: .key(master))
        let note = try signer.signedCheckpoint(size: 2, root: root)
        #expect(LogKey.isSealed(directory: home))
        let key = try LogKey.loadOrCreate(directory: home, masterKey: .key(master))
        #expect(try Checkpoint.verify(note: note, name: key.origin, publicKey: key.key.publicKey).size == 2)
        let stranger = LogSigner(directory: home, masterKey: .key(try MasterKey.generate()))
        let error = try #require(throws: TransparencyError.self) { try stranger.key() }
        #expect(error.code.rawValue == CryptoError.Code.wrongMasterKey.rawValue)
    }
}
