import Foundation
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import Testing

/// `KeyringStore`: the keyring file (mode 0600, atomic, locked) and its refusals.
@Suite("Keyring and its store")
struct KeyringStoreTests {
    @Test("init writes a 0600 keyring with one primary key and refuses to overwrite it")
    func initialize() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = KeyringStore(directory: dir)
        let ring = try store.initialize()
        #expect(ring.keys.count == 1)
        let primary = try ring.primary()
        #expect(primary.id.hasPrefix("wk-") && primary.id.count == 19)
        let attrs = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        #expect(throws: GreenmarkError(.keyringExists, "")) { try store.initialize() }
        let loaded = try store.load()
        #expect(try loaded.primary().id == primary.id)
        #expect(try loaded.primary().secret == primary.secret)
        // No temporary files are left behind.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }
        #expect(files == [KeyringStore.fileName])
    }

    @Test("a missing keyring is a clear error")
    func missing() {
        let store = KeyringStore(directory: temporaryDirectory())
        #expect(throws: GreenmarkError(.keyringMissing, "")) { try store.load() }
    }

    @Test("a keyring readable by others is refused")
    func permissions() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = KeyringStore(directory: dir)
        try store.initialize()
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: store.path)
        #expect(throws: GreenmarkError(.keyringPermissions, "")) { try store.load() }
    }

    @Test("corrupt or tampered keyring files are rejected, and the file is left as it was")
    func corrupt() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = KeyringStore(directory: dir)
        try store.initialize()
        let original = try String(contentsOfFile: store.path, encoding: .utf8)
        let tampered = [
            "not json",
            original.replacingOccurrences(of: "\"primary\"", with: "\"enabled\""),
            original.replacingOccurrences(of: "\"wk-", with: "\"wk-0"),
            original.replacingOccurrences(of: "greenmark-keyring", with: "something-else"),
        ]
        for body in tampered {
            try body.write(toFile: store.path, atomically: false, encoding: .utf8)
            #expect(throws: GreenmarkError(.keyringCorrupt, "")) { try store.load() }
            #expect(try String(contentsOfFile: store.path, encoding: .utf8) == body)
        }
    }

    @Test("rotation keeps the old key for detection; transitions follow the state machine")
    func rotation() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = KeyringStore(directory: dir)
        let first = try store.initialize().primary()
        let second = try store.modify { ring throws(GreenmarkError) in try ring.rotated() }
        var ring = try store.load()
        #expect(try ring.primary().id == second.id)
        #expect(try ring.key(id: first.id).state == .enabled)
        #expect(ring.detectionKeys.map(\.id) == [second.id, first.id])

        #expect(throws: GreenmarkError(.invalidKeyTransition, "")) { try ring.setting(second.id, to: .disabled) }
        ring = try ring.setting(first.id, to: .disabled)
        #expect(ring.detectionKeys.map(\.id) == [second.id])
        #expect(throws: GreenmarkError(.invalidKeyTransition, "")) { try ring.setting(first.id, to: .primary) }
        ring = try ring.setting(first.id, to: .enabled).setting(first.id, to: .primary)
        #expect(try ring.primary().id == first.id)
        #expect(try ring.key(id: second.id).state == .enabled)
        ring = try ring.setting(second.id, to: .destroyed)
        #expect(try ring.key(id: second.id).secret.isEmpty)
        #expect(throws: GreenmarkError(.invalidKeyTransition, "")) { try ring.setting(second.id, to: .enabled) }
        #expect(throws: GreenmarkError(.keyNotFound, "")) { try ring.setting("wk-nope", to: .enabled) }

        // A destroyed key round-trips through the file without a secret.
        try store.modify { _ throws(GreenmarkError) in (ring, ()) }
        let reloaded = try store.load()
        #expect(try reloaded.key(id: second.id).state == .destroyed)
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: store.path))) as! [String: Any]
        let records = file["keys"] as! [[String: Any]]
        let destroyed = try #require(records.first { $0["id"] as? String == second.id })
        #expect(destroyed["secret_hex"] == nil)
    }

    @Test("concurrent rotations from many threads are all kept (the store locks)")
    func concurrentRotations() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = KeyringStore(directory: dir)
        try store.initialize()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { _ = try? store.modify { ring throws(GreenmarkError) in try ring.rotated() } }
            }
        }
        let ring = try store.load()
        #expect(ring.keys.count == 9)
        #expect(ring.keys.count { $0.state == .primary } == 1)
    }
}
