import Foundation

/// Runs the real `greenmark` executable (built next to the test bundle) as a child process.
struct CLIProcess {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var executable: URL {
        Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("greenmark")
    }

    /// Path of a fixture file, or of the fixtures directory itself for an empty name.
    static func fixture(_ name: String) -> String {
        let dir = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
        return name.isEmpty ? dir.path : dir.appendingPathComponent(name).path
    }

    /// Runs `greenmark arguments...` with `stdin` as standard input; GREENMARK_HOME is cleared so
    /// only `--home` decides.
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], directory: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "GREENMARK_HOME")
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Drain stderr on another thread while reading stdout, so neither pipe can fill and block the child.
        let errBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errBytes = errBox.data
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errBytes, as: UTF8.self))
    }
}

extension CLIProcess {
    /// Runs `greenmark generate arguments... --seed S` for S = `seed`, `seed` + 1, ... until the
    /// text scores at least the minimum tokens under the home's key (`detect arguments` must name
    /// the home, and the model when not the default). A fresh key is random, and with some keys
    /// the model ends its answer before 50 scored tokens: "too short", whatever the score, which
    /// is not what these tests check. `text` reads the generated text from the output.
    static func generateScorable(
        _ arguments: [String], detect: [String], seed: Int, text: (Output) -> String = { $0.stdout }
    ) throws -> Output {
        var last: Output?
        for attempt in seed..<(seed + 8) {
            let gen = try run(["generate"] + arguments + ["--seed", String(attempt)])
            last = gen
            guard gen.status == 0 else { break }
            let check = try run(["detect"] + detect + ["--json", "--no-mask", "-"], stdin: Data(text(gen).utf8))
            let report = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
            if report?["verdict"] as? String != "too_short" { break }
        }
        return last!
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// A temporary Greenmark home with a fresh keyring.
struct TemporaryHome: ~Copyable {
    let path: String

    init(initialized: Bool = true) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-cli-\(UUID().uuidString)").path
        if initialized {
            let r = try CLIProcess.run(["keys", "init", "--home", path])
            precondition(r.status == 0, "keys init failed: \(r.stderr)")
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
