import Foundation
import GreenmarkTestSupport
import Testing

/// A real `greenmarkd` (SQLite registry) across restarts: the last checkpoint it signed is kept in
/// its home, the next one is a proven extension of it (checked offline with `greenmark log
/// verify-consistency` and `greenmark verify --checkpoint-state`), and after the registry's leaves
/// are rewritten (and its checkpoint records deleted) the restarted daemon refuses: `/readyz` 503
/// with `tlog.equivocation` (its tree of 3 leaves has another root now), no checkpoint, no certificate.
@Suite("greenmarkd keeps its last signed checkpoint across restarts and refuses a rewritten log (real process)", .serialized)
struct LogCheckpointRestartTests {
    static func greenmark(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try Subprocess.run(
            DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("greenmark").path, arguments,
            keep: { !$0.hasPrefix("GREENMARK_") && !$0.hasPrefix("PG") })
    }

    static func start(_ home: String) async throws -> DaemonProcess {
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: ["serve", "--home", home, "--port", String(port), "--no-generation"],
            environment: [:], port: port)
        #expect(await daemon.waitUntilReady(timeout: .seconds(300)), "daemon did not start: \(daemon.log)")
        return daemon
    }

    static func stop(_ daemon: DaemonProcess) async {
        daemon.terminate()
        #expect(await daemon.waitForExit() == 0)
    }

    static func issue(_ daemon: DaemonProcess, token: String, _ i: Int) async throws -> (status: Int, body: [String: Any]) {
        try await HTTP.request("POST", daemon.baseURL + "/v1/certificates", token: token, json: ["text": ServerTests.human + " Essay \(i)."])
    }

    static func save(_ url: String, to path: String) async throws -> Data {
        let (status, body) = try await HTTP.data(url)
        #expect(status == 200, "\(url): \(String(decoding: body, as: UTF8.self))")
        try body.write(to: URL(fileURLWithPath: path))
        return body
    }

    @Test("checkpoint kept in the home; the next one after a restart is consistent (CLI checks); a rewritten leaf is refused after a restart")
    func restarts() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-logcp-\(UUID().uuidString)").path
        let dir = home + "-files"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: dir)
        }
        for step in [["keys", "init", "--home", home], ["trust", "init", "--home", home]] {
            let r = try Self.greenmark(step)
            try #require(r.status == 0, "greenmark \(step.joined(separator: " ")): \(r.output)")
        }
        let tokenRun = try Self.greenmark(["tokens", "create", "--role", "stamp", "--inspect", "--home", home])
        let token = try #require(ScaleOutTests.token(tokenRun.output), "\(tokenRun.output)")

        // First run: two certificates, then the checkpoint of 2 leaves, kept in the home.
        var daemon = try await Self.start(home)
        var ids: [String] = []
        for i in 0..<2 {
            let (status, body) = try await Self.issue(daemon, token: token, i)
            #expect(status == 201, "\(body)")
            ids.append(try #require(body["id"] as? String))
            let certificate = try JSONSerialization.data(withJSONObject: try #require(body["certificate"] as? [String: Any]))
            try certificate.write(to: URL(fileURLWithPath: dir + "/cert\(i).json"))
        }
        let checkpoint2 = try await Self.save(daemon.baseURL + "/v1/log/checkpoint", to: dir + "/cp2")
        #expect(String(decoding: checkpoint2, as: UTF8.self).split(separator: "\n")[1] == "2")
        #expect(FileManager.default.contents(atPath: home + "/log-checkpoint.txt") == checkpoint2, "the signed checkpoint is kept in the home")
        _ = try await Self.save(daemon.baseURL + "/v1/log/key", to: dir + "/key.json")
        _ = try await Self.save(daemon.baseURL + "/v1/log/proof/\(ids[0])", to: dir + "/proof-at-2.json")
        await Self.stop(daemon)

        // Second run: ready and consistent from the start; one more certificate; the checkpoint of 3 extends the kept one.
        daemon = try await Self.start(home)
        let ready = try await HTTP.request("GET", daemon.baseURL + "/readyz")
        #expect(ready.0 == 200 && (ready.1["detail"] as? [String: Any])?["log"] as? String == "consistent", "\(ready.1)")
        #expect(try await Self.issue(daemon, token: token, 2).status == 201)
        let checkpoint3 = try await Self.save(daemon.baseURL + "/v1/log/checkpoint", to: dir + "/cp3")
        #expect(FileManager.default.contents(atPath: home + "/log-checkpoint.txt") == checkpoint3)
        _ = try await Self.save(daemon.baseURL + "/v1/log/consistency?old=2", to: dir + "/consistency-2.json")
        _ = try await Self.save(daemon.baseURL + "/v1/log/proof/\(ids[0])", to: dir + "/proof-at-3.json")
        let monitor = try Self.greenmark([
            "log", "verify-consistency", "--old", dir + "/cp2", "--new", dir + "/cp3",
            "--proof", dir + "/consistency-2.json",
            "--log-key", dir + "/key.json",
        ])
        #expect(monitor.status == 0 && monitor.output.contains("log.consistency.valid"), "\(monitor.output)")
        let backwards = try Self.greenmark([
            "log", "verify-consistency", "--old", dir + "/cp3", "--new", dir + "/cp2",
            "--proof", dir + "/consistency-2.json",
            "--log-key", dir + "/key.json",
        ])
        #expect(backwards.status == 1, "\(backwards.output)")

        // greenmark verify --checkpoint-state: the first checkpoint is kept, a newer one needs the consistency proof.
        func verify(_ proof: String, _ extra: [String] = []) throws -> (status: Int32, output: String) {
            try Self.greenmark(
                [
                    "verify", dir + "/cert0.json", "--trust", home + "/trust/root-key.json",
                    "--trust-update", home + "/trust/trusted-root.json",
                    "--log-proof", dir + "/" + proof, "--log-key", dir + "/key.json", "--checkpoint-state", dir + "/state",
                ] + extra)
        }
        let first = try verify("proof-at-2.json")
        #expect(first.status == 0, "\(first.output)")
        #expect(FileManager.default.contents(atPath: dir + "/state") == checkpoint2)
        let newerWithout = try verify("proof-at-3.json")
        #expect(newerWithout.status == 1 && newerWithout.output.contains("log.consistency.missing"), "\(newerWithout.output)")
        let newer = try verify("proof-at-3.json", ["--log-consistency", dir + "/consistency-2.json"])
        #expect(newer.status == 0 && newer.output.contains("log.consistency.valid"), "\(newer.output)")
        #expect(FileManager.default.contents(atPath: dir + "/state") == checkpoint3, "the newer checkpoint replaces the kept one")
        let same = try verify("proof-at-3.json")
        #expect(same.status == 0, "\(same.output)")
        // An older checkpoint is accepted with the proof from it to the kept one, refused with a corrupted proof.
        let older = try verify("proof-at-2.json", ["--log-consistency", dir + "/consistency-2.json"])
        #expect(older.status == 0 && older.output.contains("log.consistency.valid"), "\(older.output)")
        let saved = try Data(contentsOf: URL(fileURLWithPath: dir + "/consistency-2.json"))
        var evidence = try #require(try JSONSerialization.jsonObject(with: saved) as? [String: Any])
        var hashes = try #require(evidence["proof"] as? [String])
        try #require(!hashes.isEmpty)
        hashes[0] = String(repeating: "0", count: 64)
        evidence["proof"] = hashes
        try JSONSerialization.data(withJSONObject: evidence).write(to: URL(fileURLWithPath: dir + "/corrupted.json"))
        let corrupted = try verify("proof-at-2.json", ["--log-consistency", dir + "/corrupted.json"])
        #expect(corrupted.status == 1 && corrupted.output.contains("log.consistency.invalid"), "\(corrupted.output)")
        #expect(FileManager.default.contents(atPath: dir + "/state") == checkpoint3, "the kept checkpoint never moves back")
        await Self.stop(daemon)

        // Rewrite leaf 1 and delete the registry's checkpoint records: only the home's record is left to notice.
        let sql = "UPDATE log_entry SET leaf_hash = zeroblob(32) WHERE leaf_index = 1; DELETE FROM log_checkpoint;"
        let tampered = try Subprocess.run("/usr/bin/sqlite3", [home + "/registry.sqlite", sql])
        try #require(tampered.status == 0, "\(tampered.output)")
        daemon = try await Self.start(home)
        let notReady = try await HTTP.request("GET", daemon.baseURL + "/readyz")
        #expect(notReady.0 == 503 && (notReady.1["detail"] as? [String: Any])?["log"] as? String == "tlog.equivocation", "\(notReady.1)")
        let checkpoint = try await HTTP.request("GET", daemon.baseURL + "/v1/log/checkpoint")
        #expect(checkpoint.0 == 503 && ErrorBody(checkpoint.1).code == "tlog.equivocation", "\(checkpoint.1)")
        let refused = try await Self.issue(daemon, token: token, 3)
        #expect(refused.status == 503 && ErrorBody(refused.body).code == "tlog.equivocation", "\(refused.body)")
        #expect(FileManager.default.contents(atPath: home + "/log-checkpoint.txt") == checkpoint3, "the kept checkpoint is not replaced")
        let count = try Subprocess.run("/usr/bin/sqlite3", [home + "/registry.sqlite", "SELECT COUNT(*) FROM certificate"])
        #expect(count.output.trimmingCharacters(in: .whitespacesAndNewlines) == "3", "nothing was issued while refused")
        await Self.stop(daemon)
    }
}
