import Foundation
import GreenmarkTestSupport
import Testing

/// Two real `greenmarkd` processes on different ports, one real PostgreSQL server, a sealed home:
/// certificates, tokens, the audit log, the transparency log and key changes are shared.
@Suite("Scale-out: two daemons, one PostgreSQL (real processes)", .serialized)
struct ScaleOutTests {
    /// Runs `greenmark arguments...` with `environment` added; its status and output.
    static func greenmark(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
        try Subprocess.run(
            DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("greenmark").path, arguments,
            environment: environment, keep: { !$0.hasPrefix("GREENMARK_") && !$0.hasPrefix("PG") })
    }

    static func token(_ output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix("token: ") }.map { String($0.dropFirst(7)) }
    }

    /// The id of the primary watermark key in a `/v1/admin/keys` body.
    static func primary(_ body: [String: Any]) -> String? {
        (body["watermark_keys"] as? [[String: Any]])?.first { $0["state"] as? String == "primary" }?["id"] as? String
    }

    /// Two daemons on one fresh PostgreSQL database and a sealed home: A initialized through the
    /// CLI, B started with an empty home (it takes the keys from the database).
    struct Cluster {
        let pg: PostgresServer, database: String
        let base: String, homeA: String, homeB: String
        let env: [String: String]
        let admin: String, stamp: String, stampID: String
        let a: DaemonProcess, b: DaemonProcess

        static func start(keySyncInterval: String) async throws -> Cluster {
            let pg = try PostgresServer.shared()
            let database = try pg.createDatabase()
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("gm-scale-\(UUID().uuidString)").path
            let homeA = base + "/a"
            let homeB = base + "/b"
            let masterKeyFile = base + "/master.key"
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            // The shared settings travel in the environment: the URI has no password (PGPASSWORD has it).
            var env = pg.environment
            env["GREENMARK_MASTER_KEY_FILE"] = masterKeyFile
            env["GREENMARK_DATABASE"] = pg.uri(database: database)
            for step in [["keys", "master-key", "--out", masterKeyFile], ["keys", "init", "--home", homeA], ["trust", "init", "--home", homeA]] {
                let r = try ScaleOutTests.greenmark(step, environment: env)
                try #require(r.status == 0, "greenmark \(step.joined(separator: " ")): \(r.output)")
            }
            let admin = try #require(
                ScaleOutTests.token(try ScaleOutTests.greenmark(["tokens", "create", "--role", "admin", "--home", homeA], environment: env).output))
            let stampRun = try ScaleOutTests.greenmark(["tokens", "create", "--role", "stamp", "--inspect", "--home", homeA], environment: env)
            let stamp = try #require(ScaleOutTests.token(stampRun.output))
            let stampID = try #require(
                stampRun.output.split(separator: "\n").first { $0.hasPrefix("id:") }?.split(separator: " ").last.map(String.init))
            let portA = DaemonProcess.freePort()
            let portB = DaemonProcess.freePort()
            let a = try DaemonProcess(
                arguments: ["serve", "--home", homeA, "--port", String(portA), "--no-generation", "--key-sync-interval", keySyncInterval],
                environment: env, port: portA)
            #expect(await a.waitUntilReady(timeout: .seconds(300)), "daemon A did not start: \(a.log)")
            let b = try DaemonProcess(
                arguments: ["serve", "--home", homeB, "--port", String(portB), "--no-generation", "--key-sync-interval", keySyncInterval],
                environment: env, port: portB)
            #expect(await b.waitUntilReady(timeout: .seconds(300)), "daemon B did not start: \(b.log)")
            return Cluster(
                pg: pg, database: database, base: base, homeA: homeA, homeB: homeB, env: env, admin: admin, stamp: stamp, stampID: stampID, a: a, b: b
            )
        }
    }

    @Test("certificates, tokens and audit entries are shared; a rotation through one daemon reaches the other without a restart, within seconds")
    func twoDaemons() async throws {
        let cluster = try await Cluster.start(keySyncInterval: "0.5")
        defer { try? FileManager.default.removeItem(atPath: cluster.base) }
        let (pg, database, env, homeA, homeB) = (cluster.pg, cluster.database, cluster.env, cluster.homeA, cluster.homeB)
        let (admin, stamp, stampID, a, b) = (cluster.admin, cluster.stamp, cluster.stampID, cluster.a, cluster.b)
        for home in [homeA, homeB] {
            for file in ["keyring.json", "signing.json", "log-key.json"] {
                let bytes = try String(contentsOfFile: home + "/" + file, encoding: .utf8)
                #expect(bytes.contains("greenmark-sealed-v1"), "\(home)/\(file) is not sealed")
            }
        }
        // The database holds only sealed secrets.
        let stored = try pg.psql(
            "SELECT name || ':' || (position('greenmark-sealed-v1' in convert_from(bytes, 'UTF8')) > 0)::text FROM key_file ORDER BY name",
            database: database)
        for secret in ["keyring.json", "signing.json", "log-key.json"] { #expect(stored.contains("\(secret):true"), "\(stored)") }

        // Certificates issued through each daemon are visible through the other, byte for byte.
        var ids: [(String, DaemonProcess)] = []
        for (i, daemon) in [a, b, a, b].enumerated() {
            let (status, body) = try await HTTP.request(
                "POST", daemon.baseURL + "/v1/certificates", token: stamp,
                json: ["text": ServerTests.human + " Essay \(i)."])
            #expect(status == 201, "\(body)")
            ids.append((try #require(body["id"] as? String), daemon))
        }
        for (id, issuer) in ids {
            let other = issuer === a ? b : a
            let mine = try await HTTP.data(issuer.baseURL + "/v1/certificates/\(id)", token: stamp)
            let theirs = try await HTTP.data(other.baseURL + "/v1/certificates/\(id)", token: stamp)
            #expect(mine.status == 200 && theirs.status == 200 && mine.body == theirs.body && !mine.body.isEmpty)
        }
        // One transparency log, one log key: both daemons publish the same checkpoint.
        let checkpointA = try await HTTP.data(a.baseURL + "/v1/log/checkpoint")
        let checkpointB = try await HTTP.data(b.baseURL + "/v1/log/checkpoint")
        let linesA = String(decoding: checkpointA.body, as: UTF8.self).split(separator: "\n")
        let linesB = String(decoding: checkpointB.body, as: UTF8.self).split(separator: "\n")
        #expect(linesA.count >= 3 && linesA.prefix(3) == linesB.prefix(3), "\(linesA) vs \(linesB)")
        #expect(linesA.count > 1 && linesA[1] == "4")

        // A rotation through A reaches B without a restart.
        let before = try await HTTP.request("GET", b.baseURL + "/v1/admin/keys", token: admin)
        let oldPrimary = try #require(Self.primary(before.1))
        let rotated = try await HTTP.request("POST", a.baseURL + "/v1/admin/keys/rotate", token: admin)
        #expect(rotated.0 == 200, "\(rotated.1)")
        let newPrimary = try #require(Self.primary(rotated.1))
        #expect(newPrimary != oldPrimary)
        let start = ContinuousClock.now
        var seenOnB: Duration?
        let trustA = try await HTTP.data(a.baseURL + "/v1/trust")
        while ContinuousClock.now < start + .seconds(30) {
            if Self.primary(try await HTTP.request("GET", b.baseURL + "/v1/admin/keys", token: admin).1) == newPrimary,
                try await HTTP.data(b.baseURL + "/v1/trust").body == trustA.body
            {  // byte for byte: keys are sorted
                seenOnB = ContinuousClock.now - start
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        if seenOnB == nil { Issue.record("B log: \(b.log)\nA log: \(a.log)") }
        let delay = try #require(seenOnB, "daemon B never served the rotated keyring and trusted root")
        #expect(delay < .seconds(10), "rotation took \(delay) to reach B (interval 0.5 s)")
        // B's trusted root moved on too (the rotation republished it: checked in the loop), and B certifies with it.
        let afterRotation = try await HTTP.request(
            "POST", b.baseURL + "/v1/certificates", token: stamp, json: ["text": ServerTests.human + " After."])
        #expect(afterRotation.0 == 201)

        // The audit log is shared: B lists A's rotation.
        let audit = try await HTTP.request("GET", b.baseURL + "/v1/admin/audit", token: admin)
        let actions = (audit.1["entries"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
        #expect(actions.contains("keys.rotate") && actions.contains("tokens.create"))

        // A token revoked through the CLI on the shared database stops working on both at once.
        #expect(try Self.greenmark(["tokens", "revoke", stampID, "--home", homeA], environment: env).status == 0)
        for daemon in [a, b] {
            let (status, _) = try await HTTP.request("POST", daemon.baseURL + "/v1/detect", token: stamp, json: ["text": ServerTests.human])
            #expect(status == 401)
        }
        print("scale-out: rotation through A visible on B after \(delay) (sync interval 0.5 s)")

        a.terminate()
        b.terminate()
        #expect(await a.waitForExit() == 0)
        #expect(await b.waitForExit() == 0)
    }

    @Test("an issuing key revoked through one daemon is never used by the other, even with a key-sync interval of ten minutes")
    func revocationBeforeIssuing() async throws {
        let cluster = try await Cluster.start(keySyncInterval: "600")
        defer { try? FileManager.default.removeItem(atPath: cluster.base) }
        let (admin, stamp, a, b) = (cluster.admin, cluster.stamp, cluster.a, cluster.b)

        func issuerKeyID(_ body: [String: Any]) throws -> String {
            let certificate = try #require(body["certificate"] as? [String: Any])
            var protected = try #require(certificate["protected"] as? String)
            protected = protected.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            protected += String(repeating: "=", count: (4 - protected.count % 4) % 4)
            let headerBytes = try #require(Data(base64Encoded: protected))
            let header = try #require(try JSONSerialization.jsonObject(with: headerBytes) as? [String: Any])
            return try #require(header["kid"] as? String)
        }
        let first = try await HTTP.request("POST", b.baseURL + "/v1/certificates", token: stamp, json: ["text": ServerTests.human + " Before."])
        #expect(first.0 == 201, "\(first.1)")
        let revokedKey = try issuerKeyID(first.1)
        // Revoked through A; B's periodic sync is ten minutes away.
        let revoke = try await HTTP.request(
            "POST", a.baseURL + "/v1/admin/signing/revoke", token: admin,
            json: ["key_id": revokedKey, "compromised_since": "2026-01-01T00:00:00Z"])
        #expect(revoke.0 == 200, "\(revoke.1)")
        let after = try await HTTP.request("POST", b.baseURL + "/v1/certificates", token: stamp, json: ["text": ServerTests.human + " After."])
        #expect(after.0 == 201, "\(after.1)")
        #expect(try issuerKeyID(after.1) != revokedKey, "B signed with the key A had revoked")
        a.terminate()
        b.terminate()
        #expect(await a.waitForExit() == 0)
        #expect(await b.waitForExit() == 0)
    }

    @Test("a daemon on a shared database refuses to start without a master key, and a password on its command line")
    func refusals() async throws {
        let pg = try PostgresServer.shared()
        let database = try pg.createDatabase()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-scale-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        var env = pg.environment
        env["GREENMARK_DATABASE"] = pg.uri(database: database)
        #expect(try Self.greenmark(["keys", "init", "--home", home], environment: env).status == 0)

        let port = DaemonProcess.freePort()
        let plain = try DaemonProcess(arguments: ["serve", "--home", home, "--port", String(port), "--no-generation"], environment: env, port: port)
        #expect(await plain.waitForExit(timeout: .seconds(120)) != 0)
        #expect(plain.log.contains("secrets.master_key_required"), "\(plain.log)")

        let withPassword = try DaemonProcess(
            arguments: [
                "serve", "--home", home, "--port", String(port), "--no-generation",
                "--database", pg.uriWithPassword(database: database),
            ], environment: [:], port: port)
        #expect(await withPassword.waitForExit(timeout: .seconds(60)) != 0)
        #expect(withPassword.log.contains("must not contain a password"))
        #expect(!withPassword.log.contains(pg.password))
    }
}
