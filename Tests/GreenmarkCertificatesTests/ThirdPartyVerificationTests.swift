import Foundation
import GreenmarkCertificates
import Testing

/// Third-party verifiability: `greenmark-verify`, the Python reference in `python/` (standard library
/// + `cryptography`, written from `docs/certificate-format.md` alone, no Swift), installed by
/// `scripts/bootstrap.sh`, must report the same status and exactly the same check codes as
/// `expected.json` and as the Swift verifier on every conformance case, keep checking under
/// `python3 -O`, and pass its own unit tests.
@Suite("Independent Python verifier")
struct ThirdPartyVerificationTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// What a case expects: `expected.json`, as `ConformanceTests` reads it.
    typealias Expected = ConformanceTests.Expected

    /// `greenmark-verify --json` output.
    struct Output: Decodable {
        struct Check: Decodable {
            let code: String
            let passed: Bool
            let detail: String
        }
        let status: String
        let checks: [Check]
    }

    struct Run {
        let status: Int32
        let stdout: Data
        let stderr: String
    }

    static func run(_ executable: String, _ arguments: [String], cwd: URL? = nil) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let cwd { p.currentDirectoryURL = cwd }
        // stderr goes to a file, so that reading stdout to its end cannot block on a full pipe.
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("gm-verify-stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let err = try FileHandle(forWritingTo: errFile)
        defer { try? err.close() }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let stderr = (try? Data(contentsOf: errFile)) ?? Data()
        return Run(status: p.terminationStatus, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func python(_ arguments: [String], cwd: URL? = nil) throws -> Run {
        try run("/usr/bin/env", ["python3"] + arguments, cwd: cwd)
    }

    /// The installed `greenmark-verify` command: on PATH, else in Python's scripts directory.
    static let command: String? = {
        let fm = FileManager.default
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/greenmark-verify"
            if fm.isExecutableFile(atPath: path) { return path }
        }
        if let found = try? python(["-c", "import sysconfig; print(sysconfig.get_path('scripts'))"], cwd: URL(fileURLWithPath: "/")) {
            let path = String(decoding: found.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) + "/greenmark-verify"
            if fm.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    static func caseFiles(_ dir: URL) -> (updates: [String], expected: Expected?) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let updates = names.filter { $0.hasPrefix("trust-update-") && $0.hasSuffix(".json") }
            .sorted { Int($0.dropFirst(13).dropLast(5)) ?? 0 < Int($1.dropFirst(13).dropLast(5)) ?? 0 }
        let expected = try? JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        return (updates, expected)
    }

    static func arguments(_ dir: URL, updates: [String], expected: Expected) -> [String] {
        var args = [
            dir.appendingPathComponent("certificate.json").path, "--text", dir.appendingPathComponent("text.txt").path,
            "--trust", dir.appendingPathComponent("trust.json").path,
        ]
        for u in updates { args += ["--trust-update", dir.appendingPathComponent(u).path] }
        if let floor = expected.minTrustVersion { args += ["--min-trust-version", String(floor)] }
        return args + ["--at", expected.at, "--json"]
    }

    /// The Swift verifier's check codes for the same case (as `ConformanceTests` computes them).
    static func swiftChecks(_ dir: URL, updates: [String], expected: Expected) throws -> (status: String, checks: [String]) {
        func bytes(_ file: String) throws -> [UInt8] { Array(try Data(contentsOf: dir.appendingPathComponent(file))) }
        let at = try #require(Timestamp.parse(expected.at))
        let loaded = TrustAnchor.load(
            pinned: try bytes("trust.json"), updates: try updates.map(bytes), minimumVersion: expected.minTrustVersion, at: at)
        var checks = loaded.checks.map(\.code)
        guard let anchor = loaded.anchor else { return ("invalid", checks) }
        let report = CertificateVerifier(anchor: anchor).verify(certificate: try bytes("certificate.json"), text: try bytes("text.txt"), at: at)
        checks += report.checks.map(\.code)
        return (report.status.rawValue, checks)
    }

    @Test("greenmark-verify is installed, from the python/ in this tree (else run scripts/bootstrap.sh)")
    func installedMatchesSource() throws {
        #expect(Self.command != nil, "greenmark-verify is not installed: run scripts/bootstrap.sh")
        let located = try Self.python(
            ["-c", "import greenmark_verify, os; print(os.path.dirname(greenmark_verify.__file__))"], cwd: URL(fileURLWithPath: "/"))
        try #require(located.status == 0, "the package greenmark_verify is not importable: run scripts/bootstrap.sh (\(located.stderr))")
        let installed = URL(fileURLWithPath: String(decoding: located.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        let source = Self.repo.appendingPathComponent("python/greenmark_verify")
        let files =
            try FileManager.default.contentsOfDirectory(atPath: source.path).filter { $0.hasSuffix(".py") }.map { $0 }
            + ["data/unicode-14.0-assigned.txt"]
        #expect(files.count >= 6)
        for file in files {
            let a = try Data(contentsOf: source.appendingPathComponent(file))
            let b = try? Data(contentsOf: installed.appendingPathComponent(file))
            #expect(a == b, "installed \(file) differs from python/greenmark_verify/\(file): rerun scripts/bootstrap.sh")
        }
    }

    @Test("the packaged Unicode 14.0 table is docs/test-vectors/unicode-14.0-assigned.txt")
    func unicodeTable() throws {
        let shipped = try Data(contentsOf: Self.repo.appendingPathComponent("python/greenmark_verify/data/unicode-14.0-assigned.txt"))
        let spec = try Data(contentsOf: Self.repo.appendingPathComponent("docs/test-vectors/unicode-14.0-assigned.txt"))
        #expect(shipped == spec)
    }

    @Test("greenmark-verify reports exactly the expected checks on every conformance case", arguments: ConformanceTests.caseNames)
    func conformance(name: String) throws {
        let command = try #require(Self.command, "greenmark-verify is not installed: run scripts/bootstrap.sh")
        let dir = ConformanceTests.root.appendingPathComponent(name)
        let (updates, decoded) = Self.caseFiles(dir)
        let expected = try #require(decoded, "\(name): expected.json has no checks/at (old fixture)")
        // The files are numbered only to be listed: the result must not depend on their order.
        for order in updates.count > 1 ? [updates, Array(updates.reversed())] : [updates] {
            let result = try Self.run(command, Self.arguments(dir, updates: order, expected: expected))
            let output = try #require(
                try? JSONDecoder().decode(Output.self, from: result.stdout),
                "\(name): no JSON report (exit \(result.status)): \(result.stderr)")
            let codes = output.checks.map(\.code)
            let details = output.checks.map { "\($0.code): \($0.detail)" }.joined(separator: "; ")
            #expect(output.status == expected.status, "\(name) (updates \(order)): \(details)")
            #expect(codes == expected.checks, "\(name) (updates \(order)): Python \(codes), expected \(expected.checks); \(details)")
            #expect(result.status == (expected.status == "valid" ? 0 : 1), "\(name): exit \(result.status)")
            #expect(output.checks.dropLast().allSatisfy(\.passed) && output.checks.last?.passed == (expected.status == "valid"), "\(name)")
        }
        let swift = try Self.swiftChecks(dir, updates: updates, expected: expected)
        #expect(swift.status == expected.status && swift.checks == expected.checks, "\(name): Swift \(swift.checks), expected \(expected.checks)")
    }

    @Test("under python3 -O a tampered text is still INVALID")
    func optimizedPython() throws {
        _ = try #require(Self.command, "greenmark-verify is not installed: run scripts/bootstrap.sh")
        let cases = ConformanceTests.caseNames.compactMap { name -> (URL, [String], Expected)? in
            let dir = ConformanceTests.root.appendingPathComponent(name)
            let (updates, expected) = Self.caseFiles(dir)
            guard let expected, expected.status == "valid" else { return nil }
            return (dir, updates, expected)
        }
        let (dir, updates, expected) = try #require(cases.first, "no valid conformance case")
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("gm-tampered-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let tampered = tmp.appendingPathComponent("text.txt")
        try (Data(contentsOf: dir.appendingPathComponent("text.txt")) + Data("\nTHIS PARAGRAPH WAS ADDED LATER.\n".utf8)).write(to: tampered)
        var args = Self.arguments(dir, updates: updates, expected: expected)
        args[2] = tampered.path
        for optimize in [["-O"], ["-OO"]] {
            // From / so that the installed package runs, not a copy on the working directory.
            let result = try Self.python(optimize + ["-m", "greenmark_verify"] + args, cwd: URL(fileURLWithPath: "/"))
            let output = try #require(try? JSONDecoder().decode(Output.self, from: result.stdout), "no JSON report: \(result.stderr)")
            #expect(result.status == 1)
            #expect(output.status == "invalid")
            #expect(output.checks.last?.code == "text.digest.mismatch")
        }
    }

    @Test("the shipped examples verify against the published trust files")
    func examples() throws {
        let command = try #require(Self.command, "greenmark-verify is not installed: run scripts/bootstrap.sh")
        let ex = Self.repo.appendingPathComponent("certs/examples")
        let roots = try FileManager.default.contentsOfDirectory(atPath: ex.path).filter { $0.hasPrefix("trusted-root-v") }.sorted()
        // Verified as of the newest trusted root's issued_at (the examples are fixed; the clock moves on).
        var newest: (version: Int, issuedAt: String)?
        for file in roots {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: ex.appendingPathComponent(file))) as? [String: Any])
            var payload = try #require(document["payload"] as? String).replacingOccurrences(of: "-", with: "+").replacingOccurrences(
                of: "_", with: "/")
            payload += String(repeating: "=", count: (4 - payload.count % 4) % 4)
            let bodyData = try #require(Data(base64Encoded: payload))
            let body = try #require(try JSONSerialization.jsonObject(with: bodyData) as? [String: Any])
            let version = try #require(body["version"] as? Int)
            let issuedAt = try #require(body["issued_at"] as? String)
            if version > newest?.version ?? 0 { newest = (version, issuedAt) }
        }
        let at = try #require(newest?.issuedAt)
        for cert in ["detection-attestation.json", "generation-receipt.json"] {
            var args = [
                ex.appendingPathComponent(cert).path, "--text", ex.appendingPathComponent("text.txt").path,
                "--trust", ex.appendingPathComponent("root-key.json").path, "--at", at,
            ]
            for r in roots { args += ["--trust-update", ex.appendingPathComponent(r).path] }
            let result = try Self.run(command, args)
            #expect(result.status == 0, "\(cert): \(String(decoding: result.stdout, as: UTF8.self))")
        }
    }

    @Test("the Python unit tests pass (python3 -m unittest in python/)")
    func pythonUnitTests() throws {
        let result = try Self.python(["-m", "unittest", "discover", "-s", "tests"], cwd: Self.repo.appendingPathComponent("python"))
        #expect(result.status == 0, "\(result.stderr)")
    }
}
