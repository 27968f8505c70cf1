import Foundation
import GreenmarkCrypto
import GreenmarkTestSupport
import GreenmarkTransparency
import Testing

/// Two real `greenmarkd` processes on one real PostgreSQL: a leaf rewritten in `log_entry` is
/// refused by both after a restart (the one that signed by its own record, the other by the
/// registry's checkpoint record), never two roots for one size; and the log key is never replaced
/// (a home that lost `log-key.json` takes the shared one back, a different one is not published).
@Suite("The log never equivocates: two daemons, one PostgreSQL (real processes)", .serialized)
struct LogEquivocationScaleOutTests {
    static func restart(_ daemon: DaemonProcess, home: String, env: [String: String]) async throws -> DaemonProcess {
        daemon.terminate()
        #expect(await daemon.waitForExit() == 0)
        let port = DaemonProcess.freePort()
        let next = try DaemonProcess(
            arguments: ["serve", "--home", home, "--port", String(port), "--no-generation", "--key-sync-interval", "0.5"],
            environment: env, port: port)
        #expect(await next.waitUntilReady(timeout: .seconds(300)), "daemon did not restart: \(next.log)")
        return next
    }

    @Test("UPDATE log_entry SET leaf_hash=… WHERE leaf_index=3 and a restart: both daemons refuse (not ready, 503, the code), one root per size")
    func tamperedLeaf() async throws {
        let cluster = try await ScaleOutTests.Cluster.start(keySyncInterval: "0.5")
        defer { try? FileManager.default.removeItem(atPath: cluster.base) }
        let (pg, database, env, stamp) = (cluster.pg, cluster.database, cluster.env, cluster.stamp)
        for (i, daemon) in [cluster.a, cluster.b, cluster.a, cluster.b, cluster.a].enumerated() {
            let (status, body) = try await HTTP.request(
                "POST", daemon.baseURL + "/v1/certificates", token: stamp,
                json: ["text": ServerTests.human + " Essay \(i)."])
            #expect(status == 201, "\(body)")
        }
        // A signs the tree of 5 leaves (kept in its home and in the registry); B signs nothing before the rewrite.
        let signed = try await HTTP.data(cluster.a.baseURL + "/v1/log/checkpoint")
        #expect(signed.status == 200)
        let note = String(decoding: signed.body, as: UTF8.self)
        #expect(note.split(separator: "\n")[1] == "5")
        #expect(
            try pg.psql("SELECT tree_size FROM log_checkpoint ORDER BY tree_size", database: database)
                .trimmingCharacters(in: .whitespacesAndNewlines) == "5")

        try pg.psql("UPDATE log_entry SET leaf_hash = decode(repeat('ab', 32), 'hex') WHERE leaf_index = 3", database: database)
        let a = try await Self.restart(cluster.a, home: cluster.homeA, env: env)
        let b = try await Self.restart(cluster.b, home: cluster.homeB, env: env)
        for (daemon, name) in [(a, "A"), (b, "B")] {
            let ready = try await HTTP.request("GET", daemon.baseURL + "/readyz")
            #expect(ready.0 == 503 && (ready.1["detail"] as? [String: Any])?["log"] as? String == "tlog.equivocation", "\(name): \(ready.1)")
            let checkpoint = try await HTTP.request("GET", daemon.baseURL + "/v1/log/checkpoint")
            #expect(checkpoint.0 == 503 && ErrorBody(checkpoint.1).code == "tlog.equivocation", "\(name): \(checkpoint.1)")
            // The next certificate is refused too: the log does not stay split, it stops.
            let issued = try await HTTP.request(
                "POST", daemon.baseURL + "/v1/certificates", token: stamp,
                json: ["text": ServerTests.human + " After the rewrite."])
            #expect(issued.0 == 503 && ErrorBody(issued.1).code == "tlog.equivocation", "\(name): \(issued.1)")
        }
        // One note per size, and the only one for 5 leaves is what A served before the rewrite.
        #expect(
            try pg.psql("SELECT tree_size FROM log_checkpoint ORDER BY tree_size", database: database)
                .trimmingCharacters(in: .whitespacesAndNewlines) == "5")
        let stored = try pg.psql("SELECT note FROM log_checkpoint WHERE tree_size = 5", database: database)
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == note.trimmingCharacters(in: .whitespacesAndNewlines), "\(stored)")
        #expect(try pg.psql("SELECT COUNT(*) FROM certificate", database: database).trimmingCharacters(in: .whitespacesAndNewlines) == "5")
        for daemon in [a, b] {
            daemon.terminate()
            #expect(await daemon.waitForExit() == 0)
        }
    }

    @Test("a home that lost log-key.json takes the shared key back, and another log key in a home is never published over the shared one")
    func logKeyNeverReplaced() async throws {
        let cluster = try await ScaleOutTests.Cluster.start(keySyncInterval: "0.5")
        defer { try? FileManager.default.removeItem(atPath: cluster.base) }
        let (a, b, homeB, env) = (cluster.a, cluster.b, cluster.homeB, cluster.env)
        let original = try await HTTP.request("GET", a.baseURL + "/v1/log/key")
        let key = try #require(original.1["public_key"] as? String)
        #expect(try await HTTP.request("GET", b.baseURL + "/v1/log/key").1["public_key"] as? String == key)

        // B loses its log key: a log request does not make a new one, and the sync takes the shared one back.
        try FileManager.default.removeItem(atPath: homeB + "/log-key.json")
        let meanwhile = try await HTTP.request("GET", b.baseURL + "/v1/log/key")
        #expect(
            meanwhile.0 == 503 && ErrorBody(meanwhile.1).code == "tlog.log_key_missing" || meanwhile.1["public_key"] as? String == key,
            "\(meanwhile.1)")
        try await Task.sleep(for: .seconds(2))
        #expect(FileManager.default.fileExists(atPath: homeB + "/log-key.json"), "the sync did not take the shared log key back")
        for daemon in [a, b] { #expect(try await HTTP.request("GET", daemon.baseURL + "/v1/log/key").1["public_key"] as? String == key) }

        // Another log key (sealed under the same master key) copied into B's home is not published; the shared one comes back.
        let other = cluster.base + "/other"
        let masterKey = MasterKeySource.key(try MasterKey.load(file: try #require(env["GREENMARK_MASTER_KEY_FILE"])))
        let otherKey = try LogKey.loadOrCreate(directory: other, masterKey: masterKey)
        let otherPublic = Data(otherKey.key.publicKey.rawRepresentation).base64EncodedString()
        #expect(otherPublic != key)
        try FileManager.default.removeItem(atPath: homeB + "/log-key.json")
        try FileManager.default.copyItem(atPath: other + "/log-key.json", toPath: homeB + "/log-key.json")
        try await Task.sleep(for: .seconds(2))
        for daemon in [a, b] { #expect(try await HTTP.request("GET", daemon.baseURL + "/v1/log/key").1["public_key"] as? String == key) }
        let copies = try FileManager.default.contentsOfDirectory(atPath: homeB).filter { $0.hasPrefix("log-key.json.conflict-") }
        #expect(copies.count == 1, "the other key is kept beside the shared one: \(copies)")
        #expect(b.log.contains("keys.log_key_conflict"), "\(b.log)")
        for daemon in [a, b] {
            daemon.terminate()
            #expect(await daemon.waitForExit() == 0)
        }
    }
}
