import Foundation
import GreenmarkCrypto
import GreenmarkServer
import GreenmarkStorage
import GreenmarkTransparency
import Testing

/// KeySync never replaces the transparency log's key (`docs/scale-out.md`): a home that lost
/// `log-key.json` takes the shared one back, another log key is never published over the shared
/// one (`keys.log_key_conflict`), and no log key is made at start-up while the registry holds one.
/// Two homes on one real SQLite registry, in process.
@Suite("KeySync never replaces the log key")
struct LogKeySyncTests {
    static func publicKey(_ home: String, _ key: MasterKey) throws -> [UInt8] {
        try LogKey.loadOrCreate(directory: home, masterKey: .key(key)).key.publicKey.rawRepresentation
    }

    @Test("lost: taken back; another key: not published, the shared one written back and the other kept as a conflict copy")
    func neverReplaced() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gm-logkeysync-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let registry = try Registry(path: base + "/registry.sqlite")
        let key = try MasterKey.generate()
        let a = base + "/a"
        let b = base + "/b"
        let other = base + "/other"
        let syncA = KeySync(home: a, registry: registry, interval: .seconds(1), masterKey: .key(key))
        try syncA.startUp()  // no log key anywhere: A makes the one log key and publishes it
        let shared = try Self.publicKey(a, key)
        let syncB = KeySync(home: b, registry: registry, interval: .seconds(1), masterKey: .key(key))
        try syncB.startUp()
        #expect(try Self.publicKey(b, key) == shared)

        // Lost from B's home: the next sync takes it back.
        try FileManager.default.removeItem(atPath: b + "/log-key.json")
        #expect(try syncB.sync().pulled == ["log-key.json"])
        #expect(try Self.publicKey(b, key) == shared)

        // Another log key (sealed under the same master key) in B's home: refused, the shared one comes back.
        let stranger = try Self.publicKey(other, key)
        #expect(stranger != shared)
        let databaseBefore = try registry.keyFile(name: "log-key.json")
        try FileManager.default.removeItem(atPath: b + "/log-key.json")
        try FileManager.default.copyItem(atPath: other + "/log-key.json", toPath: b + "/log-key.json")
        let changes = try syncB.sync()
        #expect(changes.refused == ["log-key.json"] && changes.pushed.isEmpty, "\(changes)")
        #expect(try registry.keyFile(name: "log-key.json") == databaseBefore, "the shared log key is unchanged")
        #expect(try Self.publicKey(b, key) == shared)
        let copies = try FileManager.default.contentsOfDirectory(atPath: b).filter { $0.hasPrefix("log-key.json.conflict-") }
        #expect(copies.count == 1)
        #expect(try syncA.sync().pulled.isEmpty && (try Self.publicKey(a, key)) == shared)
    }

    @Test("start-up: a home without a log key makes none while the registry holds one it cannot take (keys.log_key_conflict)")
    func noNewKeyAtStartUp() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gm-logkeysync-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let registry = try Registry(path: base + "/registry.sqlite")
        let key = try MasterKey.generate()
        // A plaintext log key in the shared registry (written by someone with access to the table): never taken.
        let scratch = base + "/scratch"
        _ = try LogKey.loadOrCreate(directory: scratch)
        let planted = Array(try Data(contentsOf: URL(fileURLWithPath: scratch + "/log-key.json")))
        try registry.putKeyFile(name: "log-key.json", bytes: planted, expectedVersion: nil)
        let sync = KeySync(home: base + "/b", registry: registry, interval: .seconds(1), masterKey: .key(key))
        #expect(throws: KeySyncError(.logKeyConflict, "")) { try sync.startUp() }
        #expect(!FileManager.default.fileExists(atPath: base + "/b/log-key.json"), "no log key was made")
        #expect(try registry.keyFile(name: "log-key.json")?.bytes == planted, "nothing was published over the shared one")
    }
}
