import Foundation

/// Runs a program to completion for a test, standard output and error captured together.
public enum Subprocess {
    /// Runs `executable` with `arguments` (in `directory`, when given), the test's environment
    /// filtered by `keep` plus `environment`; returns the exit status and everything it printed.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        keep: (String) -> Bool = { _ in true }, in directory: URL? = nil
    ) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment.filter { keep($0.key) }
        env.merge(environment) { $1 }
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
