import Foundation
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// No secret in output: the real `greenmark` and `greenmarkd` run a sealed home through key
/// creation, sealing, rotation (CLI and admin API), detection, certification, the transparency
/// log, bad requests, /metrics and wrong or missing master keys; every byte they print, log or
/// answer, the daemon's argv, and every file of the home is searched for every secret (watermark
/// keys, signing seeds, the log key, the master key) in every encoding.
@Suite("No secret in output", .serialized)
struct SecretLeakTests {
    /// Finds secrets in text: each secret in raw bytes, lower and upper hex, base64 (padded and
    /// not), base64url, and the same for its first 12 bytes (a partial leak).
    struct SecretFinder {
        let needles: [(label: String, bytes: [UInt8])]

        init(secrets: [(label: String, bytes: [UInt8])]) {
            var needles: [(String, [UInt8])] = []
            for (label, secret) in secrets {
                for (part, bytes) in [("", secret), (" (first 12 bytes)", Array(secret.prefix(12)))] {
                    let std = Data(bytes).base64EncodedString()
                    let encodings: [(String, [UInt8])] = [
                        ("raw", bytes),
                        ("hex", Array(Hex.encode(bytes).utf8)),
                        ("HEX", Array(Hex.encode(bytes).uppercased().utf8)),
                        ("base64", Array(std.utf8)),
                        ("base64 unpadded", Array(std.replacingOccurrences(of: "=", with: "").utf8)),
                        ("base64url", Array(Base64URL.encode(bytes).utf8)),
                    ]
                    for (name, encoded) in encodings { needles.append(("\(label)\(part) as \(name)", encoded)) }
                }
            }
            self.needles = needles
        }

        /// The labels of every secret encoding found in `haystack`.
        func find(in haystack: [UInt8]) -> [String] {
            needles.filter { contains(haystack, $0.bytes) }.map(\.label)
        }

        private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
            guard !needle.isEmpty, haystack.count >= needle.count else { return false }
            let first = needle[0]
            var i = 0
            while i <= haystack.count - needle.count {
                if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
                i += 1
            }
            return false
        }
    }

    /// Everything a test captured, by where it came from.
    final class Capture: @unchecked Sendable {
        var items: [(source: String, bytes: [UInt8])] = []
        func add(_ source: String, _ bytes: [UInt8]) { items.append((source, bytes)) }
        func add(_ source: String, _ text: String) { add(source, Array(text.utf8)) }
    }

    static var cli: URL { DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("greenmark") }

    /// Runs the real `greenmark` with the given environment (no other GREENMARK_* variable),
    /// capturing stdout and stderr through files.
    static func greenmark(_ arguments: [String], environment: [String: String], capture: Capture) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let dir = FileManager.default.temporaryDirectory
        let outPath = dir.appendingPathComponent("gm-out-\(UUID().uuidString)").path
        let errPath = dir.appendingPathComponent("gm-err-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        let process = Process()
        process.executableURL = cli
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GREENMARK_") }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        capture.add("greenmark \(arguments.joined(separator: " ")) stdout", Array(out))
        capture.add("greenmark \(arguments.joined(separator: " ")) stderr", Array(err))
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// One HTTP exchange; the raw response body is captured.
    static func http(_ method: String, _ url: String, token: String? = nil, body: String? = nil, capture: Capture) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 300
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await HTTP.session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        var headers = ""
        for (k, v) in (response as? HTTPURLResponse)?.allHeaderFields ?? [:] { headers += "\(k): \(v)\n" }
        capture.add("\(method) \(url) -> \(status)", Array(headers.utf8) + Array(data))
        return (status, String(decoding: data, as: UTF8.self))
    }

    /// Every secret of a sealed home, read through the master key: watermark secrets, signing
    /// seeds (root and issuing), the log key seed, and the master key itself.
    static func secrets(home: String, masterKeyFile: String) throws -> [(label: String, bytes: [UInt8])] {
        let masterText = try String(contentsOfFile: masterKeyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let masterKey = try MasterKey.decode(masterText)
        var out: [(String, [UInt8])] = [("master key", try Base64URL.decode(masterText))]
        for key in try KeyringStore(directory: home, masterKey: .key(masterKey)).load().keys where !key.secret.isEmpty {
            out.append(("watermark key \(key.id)", key.secret))
        }
        let signing = try SealedFile.open(
            Array(FileManager.default.contents(atPath: home + "/signing.json")!), purpose: .signing, masterKey: masterKey)
        let state = try JSONSerialization.jsonObject(with: signing.withUnsafeBytes { Data($0) }) as! [String: Any]
        for record in (state["root_keys"] as! [[String: Any]]) + (state["issuers"] as! [[String: Any]]) {
            out.append(
                (
                    "signing seed \(record["key_id"] ?? (record["entry"] as? [String: Any])?["key_id"] ?? "?")",
                    try Hex.decode(record["seed_hex"] as! String)
                ))
        }
        let log = try SealedFile.open(Array(FileManager.default.contents(atPath: home + "/log-key.json")!), purpose: .logKey, masterKey: masterKey)
        let logFile = try JSONSerialization.jsonObject(with: log.withUnsafeBytes { Data($0) }) as! [String: Any]
        out.append(("log key seed", try Base64URL.decode(logFile["seed"] as! String)))
        return out
    }

    @Test("the finder finds a planted secret in every encoding (so the search below can fail)")
    func control() {
        let secret: [UInt8] = (0..<32).map { UInt8(($0 * 37 + 11) & 0xff) }
        let finder = SecretFinder(secrets: [("planted", secret)])
        #expect(finder.find(in: Array("nothing to see here".utf8)).isEmpty)
        for encoded in [
            Hex.encode(secret), Hex.encode(secret).uppercased(), Data(secret).base64EncodedString(), Base64URL.encode(secret),
            "prefix " + Hex.encode(secret.prefix(12)) + " suffix",
        ] {
            #expect(!finder.find(in: Array("log line: key=\(encoded) end".utf8)).isEmpty, "\(encoded) not found")
        }
        #expect(!finder.find(in: [1, 2] + secret + [3]).isEmpty)
    }

    @Test("greenmark and greenmarkd on a sealed home: no secret in stdout, stderr, logs, HTTP bodies, /metrics, argv or the home's files")
    func noSecretInOutput() async throws {
        let capture = Capture()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-leak-\(UUID().uuidString)").path
        let keyFile = home + "-master.key"
        let otherKeyFile = home + "-other.key"
        defer {
            try? FileManager.default.removeItem(atPath: home)
            unlink(keyFile)
            unlink(otherKeyFile)
        }
        let sealedEnv = ["GREENMARK_MASTER_KEY_FILE": keyFile]

        // A plaintext home first, then a master key, sealing, and work on the sealed home.
        for (args, env) in [
            (["keys", "init", "--home", home], [:]), (["trust", "init", "--home", home], [:]),
            (["keys", "master-key", "--out", keyFile], [:]), (["keys", "master-key", "--out", otherKeyFile], [:]),
            (["keys", "seal", "--home", home], sealedEnv), (["keys", "rotate", "--home", home], sealedEnv),
            (["keys", "add", "--home", home], sealedEnv), (["keys", "list", "--home", home], sealedEnv),
            (["keys", "list", "--json", "--home", home], sealedEnv), (["trust", "rotate-issuer", "--home", home], sealedEnv),
            (["trust", "show", "--home", home], sealedEnv),
        ] as [([String], [String: String])] {
            let r = try Self.greenmark(args, environment: env, capture: capture)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        // Failures print errors: no key, the wrong key, a bad key, an existing key file.
        let inlineKey = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        for (args, env, code) in [
            (["keys", "list", "--home", home], [:], "secrets.master_key_required"),
            (["keys", "rotate", "--home", home], ["GREENMARK_MASTER_KEY_FILE": otherKeyFile], "secrets.wrong_master_key"),
            (["keys", "list", "--home", home], ["GREENMARK_MASTER_KEY": String(inlineKey.dropLast(2))], "secrets.master_key_invalid"),
            (
                ["keys", "list", "--home", home], ["GREENMARK_MASTER_KEY": inlineKey, "GREENMARK_MASTER_KEY_FILE": keyFile],
                "secrets.master_key_invalid"
            ),
            (["keys", "master-key", "--out", keyFile], [:], "secrets.master_key_invalid"),
        ] as [([String], [String: String], String)] {
            let r = try Self.greenmark(args, environment: env, capture: capture)
            #expect(r.status == 1 && r.stderr.contains(code), "\(args): \(r.stderr)")
        }
        let tokenOutput = try Self.greenmark(["tokens", "create", "--role", "admin", "--home", home], environment: sealedEnv, capture: capture)
        let token = try #require(
            tokenOutput.stdout.split(separator: "\n").first { $0.hasPrefix("token:") }?.split(separator: " ").last.map(String.init))

        // The daemon, with the master key from its environment.
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: ["serve", "--home", home, "--port", String(port), "--no-generation"], environment: sealedEnv, port: port)
        #expect(await daemon.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start: \(daemon.log)")
        let cmdline = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(daemon.process.processIdentifier)/cmdline"))
        capture.add("greenmarkd argv (/proc/pid/cmdline)", Array(cmdline))
        #expect(!cmdline.isEmpty)

        let base = daemon.baseURL
        let text = #"{"text":"\#(ServerTests.human)"}"#
        var (status, body) = try await Self.http("GET", base + "/readyz", capture: capture)
        #expect(status == 200 && body.contains("\"master_key\":\"configured\""), "\(body)")
        (status, _) = try await Self.http("POST", base + "/v1/detect", token: token, body: text, capture: capture)
        #expect(status == 200)
        (status, body) = try await Self.http("POST", base + "/v1/certificates", token: token, body: text, capture: capture)
        #expect(status == 201, "\(body)")
        (status, _) = try await Self.http("POST", base + "/v1/admin/keys/rotate", token: token, capture: capture)
        #expect(status == 200)
        (status, _) = try await Self.http("GET", base + "/v1/admin/keys", token: token, capture: capture)
        #expect(status == 200)
        (status, _) = try await Self.http("POST", base + "/v1/certificates", token: token, body: text, capture: capture)
        #expect(status == 201)
        for path in ["/v1/log/checkpoint", "/v1/log/key"] {
            (status, _) = try await Self.http("GET", base + path, capture: capture)
            #expect(status == 200, "\(path)")
        }
        // Bad requests: malformed JSON, a wrong token, an unknown key, an unknown route.
        (status, _) = try await Self.http("POST", base + "/v1/detect", token: token, body: "{\"text\": ", capture: capture)
        #expect(status == 400)
        (status, _) = try await Self.http("POST", base + "/v1/detect", token: "gmt_wrong", body: text, capture: capture)
        #expect(status == 401)
        (status, _) = try await Self.http(
            "POST", base + "/v1/detect", token: token, body: #"{"text":"hello there","key_id":"wk-0000000000000000"}"#, capture: capture)
        #expect(status == 404)
        (status, _) = try await Self.http("GET", base + "/v1/nothing", capture: capture)
        #expect(status == 404)
        (status, body) = try await Self.http("GET", base + "/metrics", capture: capture)
        #expect(status == 200 && body.contains("greenmark_"))
        daemon.terminate()
        #expect(await daemon.waitForExit() == 0)
        capture.add("greenmarkd log", daemon.log)

        // Daemons that must refuse to start: the wrong master key, none, a group-readable key file.
        let copy = home + "-open.key"
        defer { unlink(copy) }
        try FileManager.default.copyItem(atPath: keyFile, toPath: copy)
        chmod(copy, 0o644)
        for (env, code) in [
            (["GREENMARK_MASTER_KEY_FILE": otherKeyFile], "secrets.wrong_master_key"), ([:], "secrets.master_key_required"),
            (["GREENMARK_MASTER_KEY_FILE": copy], "secrets.master_key_insecure_permissions"),
        ] as [([String: String], String)] {
            let p = DaemonProcess.freePort()
            let refused = try DaemonProcess(arguments: ["serve", "--home", home, "--port", String(p), "--no-generation"], environment: env, port: p)
            let exit = await refused.waitForExit(timeout: .seconds(120))
            #expect(exit != nil && exit != 0, "greenmarkd started with \(env)")
            #expect(refused.log.contains(code), "\(code) not in: \(refused.log)")
            capture.add("greenmarkd log (\(code))", refused.log)
        }

        // Every file in the home: sealed secrets, public trust files, the registry database.
        let files = FileManager.default.enumerator(atPath: home)?.compactMap { $0 as? String } ?? []
        for file in files {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: home + "/" + file, isDirectory: &isDir), !isDir.boolValue {
                capture.add("file \(file)", Array(FileManager.default.contents(atPath: home + "/" + file) ?? Data()))
            }
        }
        for name in ["keyring.json", "signing.json", "log-key.json"] {
            #expect(SealedFile.isSealed(FileManager.default.contents(atPath: home + "/" + name) ?? Data()), "\(name) is not sealed")
        }

        let secrets = try Self.secrets(home: home, masterKeyFile: keyFile)
        #expect(secrets.count >= 1 + 3 + 2 + 1, "expected the master key, >= 3 watermark keys, >= 2 signing seeds, the log key")
        let finder = SecretFinder(secrets: secrets)
        #expect(capture.items.count > 30)
        for item in capture.items {
            let found = finder.find(in: item.bytes)
            #expect(found.isEmpty, "\(item.source) holds \(found)")
        }
        // The capture is real output: it names every watermark key by id (public), and the log is not empty.
        let all = capture.items.map { String(decoding: $0.bytes, as: UTF8.self) }.joined(separator: "\n")
        for label in secrets.map(\.label) where label.hasPrefix("watermark key ") {
            #expect(all.contains(String(label.dropFirst("watermark key ".count))), "\(label) never appears in the output")
        }
        #expect(!daemon.log.isEmpty)
        print(
            "no-secret check: \(capture.items.count) captures, \(all.utf8.count) bytes, \(finder.needles.count) needles from \(secrets.count) secrets"
        )
        // And the control: the same finder does see a secret planted in captured-looking output.
        #expect(!finder.find(in: Array("debug: \(Hex.encode(secrets[1].bytes))".utf8)).isEmpty)
    }
}
