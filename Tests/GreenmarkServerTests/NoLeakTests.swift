import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import GreenmarkTestSupport
import GreenmarkTransparency
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// No leaks (#17): database passwords in any URI form are refused on command lines and redacted
/// in every message; error bodies carry no server paths or storage internals; `/readyz` answers
/// from cached state, outside the rate limiter; `/metrics` is restricted (loopback by default).
@Suite("No leaks: passwords, server paths, storage internals, /readyz, /metrics (real greenmarkd)", .serialized)
struct NoLeakTests {
    static let secret = "hunter2-Sup3r"

    /// Database locations carrying `secret` in every form libpq reads.
    static let withPasswords = [
        "postgresql://greenmark@127.0.0.1:1/gm?password=\(secret)",
        "postgresql://greenmark@127.0.0.1:1/gm?sslmode=disable&password=\(secret)&connect_timeout=2",
        "postgres://greenmark@127.0.0.1:1/gm?PASSWORD=\(secret)",
        "postgresql://greenmark@127.0.0.1:1/gm?pass%77ord=\(secret)",
        "postgresql://greenmark@127.0.0.1:1/gm?sslpassword=\(secret)",
        "postgresql://greenmark:\(secret)@127.0.0.1:1/gm",
        "POSTGRESQL://greenmark:\(secret)@127.0.0.1:1,127.0.0.2:1/gm",
        "postgresql://greenmark:\(secret)@[::1]:1/gm?sslmode=disable",
        "mysql://root:\(secret)@db/gm",
        "host=127.0.0.1 port=1 user=greenmark password=\(secret) dbname=gm",
        "host=127.0.0.1 password = '\(secret) x' dbname=gm",
    ]

    @Test("redaction: every password form becomes ***; locations without one are unchanged")
    func redaction() {
        for location in Self.withPasswords {
            let redacted = DatabaseLocation.redact(location)
            #expect(!redacted.contains(Self.secret) && redacted.contains("***"), "\(location) → \(redacted)")
            #expect(DatabaseLocation.commandLineProblem(location) != nil, "\(location) accepted on a command line")
        }
        for location in [
            "postgresql://greenmark@db:5432/gm?sslmode=require", "/var/lib/greenmark/registry.sqlite", "registry.sqlite",
            "postgresql://db/gm?user=greenmark&passfile=/etc/pgpass",
        ] {
            #expect(DatabaseLocation.redact(location) == location)
            #expect(DatabaseLocation.commandLineProblem(location) == nil, "\(location) refused")
        }
    }

    @Test(
        "greenmarkd and greenmark refuse --database with a password in any form, never printing it; from the environment it is used but redacted in the error"
    )
    func commandLines() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-leak-db-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let greenmark = DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("greenmark").path
        for location in Self.withPasswords {
            let port = DaemonProcess.freePort()
            let daemon = try DaemonProcess(
                arguments: ["serve", "--home", home, "--port", String(port), "--no-generation", "--database", location],
                environment: [:], port: port)
            let exit = await daemon.waitForExit(timeout: .seconds(60))
            #expect(exit != nil && exit != 0)
            #expect(daemon.log.contains("must not contain a password"), "\(location): \(daemon.log)")
            #expect(!daemon.log.contains(Self.secret), "\(location): the password was printed: \(daemon.log)")
            let cli = try Subprocess.run(
                greenmark, ["tokens", "list", "--home", home, "--database", location], environment: [:],
                keep: { !$0.hasPrefix("GREENMARK_") && !$0.hasPrefix("PG") })
            #expect(cli.status != 0 && cli.output.contains("must not contain a password"), "\(location): \(cli.output)")
            #expect(!cli.output.contains(Self.secret), "\(location): the CLI printed the password")
        }
        // Allowed in the environment (or the config file), but every message about it is redacted.
        for location in Self.withPasswords where location.lowercased().hasPrefix("postgres") {
            let port = DaemonProcess.freePort()
            let daemon = try DaemonProcess(
                arguments: ["serve", "--home", home, "--port", String(port), "--no-generation"],
                environment: ["GREENMARK_DATABASE": location, "PGCONNECT_TIMEOUT": "2"], port: port)
            let exit = await daemon.waitForExit(timeout: .seconds(60))
            #expect(exit != nil && exit != 0)
            #expect(daemon.log.contains("storage."), "\(location): \(daemon.log)")
            #expect(!daemon.log.contains(Self.secret), "\(location): the password was printed: \(daemon.log)")
            let cli = try Subprocess.run(
                greenmark, ["tokens", "list", "--home", home], environment: ["GREENMARK_DATABASE": location, "PGCONNECT_TIMEOUT": "2"],
                keep: { !$0.hasPrefix("GREENMARK_") && !$0.hasPrefix("PG") })
            #expect(cli.status != 0 && !cli.output.contains(Self.secret), "\(location): \(cli.output)")
        }
    }

    @Test("error bodies carry no server path: HOME for the home, <path> for anything else; API paths are kept")
    func scrubbing() {
        let home = "/var/lib/greenmark"
        #expect(
            PublicErrors.scrub("no keyring at /var/lib/greenmark/keyring.json; run `greenmark keys init`", home: home)
                == "no keyring at HOME/keyring.json; run `greenmark keys init`")
        #expect(PublicErrors.scrub("cannot read /etc/greenmark/master.key: denied", home: home) == "cannot read <path>: denied")
        #expect(PublicErrors.scrub("\"/srv/x/y\" (/opt/a/b.json).", home: home) == "\"<path>\" (<path>).")
        #expect(PublicErrors.scrub("see /etc/a/b, then /etc/c/d.", home: home) == "see <path>, then <path>.")
        #expect(PublicErrors.scrub("POST is not allowed on /v1/detect; use GET", home: home) == "POST is not allowed on /v1/detect; use GET")
        #expect(PublicErrors.scrub("keys/keyring.json is readable", home: "keys") == "HOME/keyring.json is readable")
    }

    @Test(
        "the real greenmarkd: keyring, signing, log-key and trust failures answer without the home's path; a PostgreSQL outage answers 503 storage.open_failed without host, port, driver text or password, which go to the log (redacted)"
    )
    func errorBodies() async throws {
        let pg = try PostgresServer.dedicated()
        defer { pg.stop() }
        let database = try pg.createDatabase()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-leak-paths-\(UUID().uuidString)").path
        let keyFile = home + "-master.key"
        defer {
            try? FileManager.default.removeItem(atPath: home)
            unlink(keyFile)
        }
        let key = try MasterKey.createFile(at: keyFile)
        let ring = try KeyringStore(directory: home, masterKey: .key(key)).initialize(
            scheme: .leftHash, vocabulary: ServerTests.tokenizer.vocabularyID)
        try SigningKeyStore(directory: home, masterKey: .key(key)).initialize(watermarkKeys: ring.keys)
        let uri = pg.uriWithPassword(database: database)
        let token = try Registry(location: DatabaseLocation(uri)).createToken(role: .admin).token
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: ["serve", "--home", home, "--port", String(port), "--no-generation", "--key-sync-interval", "3600"],
            environment: ["GREENMARK_DATABASE": uri, "GREENMARK_MASTER_KEY_FILE": keyFile], port: port)
        #expect(await daemon.waitUntilReady(), "greenmarkd did not start: \(daemon.log)")
        let resolvedHome = URL(fileURLWithPath: home).resolvingSymlinksInPath().path
        /// What a response body gives away, read both raw and decoded (JSON escapes / as \/).
        func leaks(_ r: RawHTTP.Response) -> [String] {
            let text = r.text + " " + (ErrorBody(r.json).message ?? "")
            return [
                home, resolvedHome, keyFile, "/tmp/", pg.password, "127.0.0.1", ":\(pg.port)", String(pg.port),
                database, "postgresql", "connection to server", "sqlite", "greenmark@",
            ].filter { text.contains($0) }
        }
        func get(_ path: String, token: String? = nil) throws -> RawHTTP.Response {
            try RawHTTP.send(port: port, method: "GET", target: path, token: token)
        }

        // The log key readable by others: /v1/log/* (public) answers 503 with a message that names no path.
        let logKey = home + "/" + LogKey.fileName
        chmod(logKey, 0o644)
        var r = try get("/v1/log/key")
        #expect(r.status == 503 && ErrorBody(r.json).code == "tlog.log_key_unusable", "\(r.status) \(r.text)")
        #expect(leaks(r).isEmpty, "leaked \(leaks(r)) in \(r.text)")
        chmod(logKey, 0o600)
        // The keyring gone: the public disclosed-keys route.
        let keyring = home + "/" + KeyringStore.fileName
        try FileManager.default.moveItem(atPath: keyring, toPath: keyring + ".away")
        r = try get("/v1/keys/disclosed")
        #expect(r.status == 503 && ErrorBody(r.json).code == "keyring.missing", "\(r.status) \(r.text)")
        #expect(leaks(r).isEmpty && r.text.contains("HOME"), "leaked \(leaks(r)) in \(r.text)")
        try FileManager.default.moveItem(atPath: keyring + ".away", toPath: keyring)
        // The signing keys unreadable (mode): trust answers 503 without the path.
        let signing = home + "/" + SigningKeyStore.fileName
        chmod(signing, 0o644)
        r = try get("/v1/trust")
        #expect(r.status == 503, "\(r.status) \(r.text)")
        #expect(leaks(r).isEmpty, "leaked \(leaks(r)) in \(r.text)")
        chmod(signing, 0o600)
        r = try get("/v1/trust")
        #expect(r.status == 200, "\(r.text)")

        // PostgreSQL goes away: public routes and token checks answer 503 storage.open_failed, and
        // say nothing about the database but that it cannot be reached.
        pg.stop()
        for (path, tok) in [("/v1/log/checkpoint", nil), ("/v1/admin/audit", token), ("/v1/log/proof/gmc-00000000000000000000000000000000", nil)]
            as [(String, String?)]
        {
            r = try get(path, token: tok)
            #expect(r.status == 503 && ErrorBody(r.json).code == "storage.open_failed", "\(path): \(r.status) \(r.text)")
            #expect(r.head.lowercased().contains("retry-after: 5"))
            #expect(leaks(r).isEmpty, "\(path): leaked \(leaks(r)) in \(r.text)")
        }
        r = try RawHTTP.send(port: port, method: "POST", target: "/v1/detect", token: token, body: Array(#"{"text":"a few words"}"#.utf8))
        #expect(r.status == 503 && ErrorBody(r.json).code == "storage.open_failed" && leaks(r).isEmpty, "\(r.text)")
        try pg.start()
        daemon.terminate()
        #expect(await daemon.waitForExit() == 0)
        // The log has the reason, without the password.
        #expect(daemon.log.contains("storage.open_failed") && !daemon.log.contains(pg.password), "\(daemon.log)")
    }

    @Test(
        "/readyz answers from cached state, outside the rate limiter: 200 probes in a row at a 1-request burst, and a file swapped under it is seen at once"
    )
    func readyz() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: [
                "serve", "--home", s.home, "--port", String(port), "--no-generation",
                "--rate-limit", "0.001", "--rate-burst", "1",
            ], environment: [:], port: port)
        #expect(await daemon.waitUntilReady(), "greenmarkd did not start: \(daemon.log)")
        var durations: [Double] = []
        for _ in 0..<200 {
            let start = ContinuousClock.now
            let (status, body) = try await HTTP.request("GET", daemon.baseURL + "/readyz")
            durations.append(
                Double((ContinuousClock.now - start).components.attoseconds) / 1e15 + Double((ContinuousClock.now - start).components.seconds) * 1000)
            #expect(status == 200 && (body["detail"] as? [String: Any])?["trust"] as? String == "valid", "\(body)")
        }
        durations.sort()
        print("readyz over HTTP (keep-alive, 200 calls): p50 \(durations[100]) ms, p99 \(durations[198]) ms")
        // The limiter still meters the API for the same caller.
        #expect(try await HTTP.request("GET", daemon.baseURL + "/v1/trust").0 == 200)
        #expect(try await HTTP.request("GET", daemon.baseURL + "/v1/trust").0 == 429)
        // A keyring changed under it is looked at again on the next probe.
        let keyring = s.home + "/" + KeyringStore.fileName
        let original = try Data(contentsOf: URL(fileURLWithPath: keyring))
        try Data("{not a keyring".utf8).write(to: URL(fileURLWithPath: keyring))
        var (status, body) = try await HTTP.request("GET", daemon.baseURL + "/readyz")
        #expect(status == 503 && (body["detail"] as? [String: Any])?["keyring"] as? String == "keyring.corrupt", "\(body)")
        try original.write(to: URL(fileURLWithPath: keyring))
        (status, body) = try await HTTP.request("GET", daemon.baseURL + "/readyz")
        #expect(status == 200, "\(body)")
    }

    /// A non-loopback IPv4 address of this host, if it has one.
    static func nonLoopbackAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let addr = entry.pointee.ifa_addr, addr.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var ip = addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            inet_ntop(AF_INET, &ip, &text, socklen_t(INET_ADDRSTRLEN))
            let string = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !string.hasPrefix("127.") { return string }
        }
        return nil
    }

    @Test(
        "/metrics: loopback only by default (403 metrics.forbidden from another address), a token with metrics_access=token, anyone with public; a bad value is config.invalid_value"
    )
    func metrics() async throws {
        let address = try #require(Self.nonLoopbackAddress(), "this host has no non-loopback IPv4 address to connect from")
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        func start(_ extra: [String], env: [String: String] = [:]) async throws -> DaemonProcess {
            let port = DaemonProcess.freePort()
            let daemon = try DaemonProcess(
                arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation", "--host", "0.0.0.0"] + extra,
                environment: env, port: port)
            #expect(await daemon.waitUntilReady(), "greenmarkd did not start: \(daemon.log)")
            return daemon
        }
        func metrics(_ daemon: DaemonProcess, from host: String, token: String? = nil) throws -> RawHTTP.Response {
            try RawHTTP.send(host: host, port: daemon.port, method: "GET", target: "/metrics", token: token)
        }

        var daemon = try await start([])
        var r = try metrics(daemon, from: "127.0.0.1")
        #expect(r.status == 200 && r.text.contains("greenmark_http_requests_in_flight"))
        r = try metrics(daemon, from: address)
        #expect(r.status == 403 && ErrorBody(r.json).code == "metrics.forbidden", "\(r.status) \(r.text)")
        r = try metrics(daemon, from: address, token: s.reader)
        #expect(r.status == 403, "a token does not open loopback-only metrics")
        #expect(try RawHTTP.send(host: address, port: daemon.port, method: "GET", target: "/healthz").status == 200)
        daemon.terminate()
        _ = await daemon.waitForExit()

        daemon = try await start(["--metrics-access", "token"])
        #expect(try metrics(daemon, from: "127.0.0.1").status == 401)
        #expect(try metrics(daemon, from: address).status == 401)
        r = try metrics(daemon, from: address, token: s.reader)
        #expect(r.status == 200 && r.text.contains("greenmark_"), "\(r.status)")
        #expect(try metrics(daemon, from: address, token: "gmt_wrong").status == 401)
        daemon.terminate()
        _ = await daemon.waitForExit()

        daemon = try await start([], env: ["GREENMARK_METRICS_ACCESS": "public"])
        #expect(try metrics(daemon, from: address).status == 200)
        daemon.terminate()
        _ = await daemon.waitForExit()

        let port = DaemonProcess.freePort()
        let bad = try DaemonProcess(
            arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation"],
            environment: ["GREENMARK_METRICS_ACCESS": "everyone"], port: port)
        #expect(await bad.waitForExit(timeout: .seconds(60)) == 1)
        #expect(bad.log.contains("config.invalid_value") && bad.log.contains("metrics_access"), "\(bad.log)")
    }
}
