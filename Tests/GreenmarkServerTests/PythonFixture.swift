import Foundation

/// Runs one of the test target's Python fixtures (`Fixtures/*.py`: the OpenAI SDK client, the
/// Chromium page checks) to completion, standard output and standard error read separately.
enum PythonFixture {
    /// What the script printed: its JSON on standard output, its diagnostics on standard error.
    struct Result {
        let status: Int32
        let stdout: Data
        let stderr: String
    }

    /// Runs `python3 Fixtures/<script> <arguments>`.
    static func run(_ script: String, _ arguments: [String]) async throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", DaemonProcess.fixture(script)] + arguments
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Both pipes drained at once, so neither a full stdout nor a full stderr can stall the script.
        let errData = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: outData, stderr: String(decoding: await errData.value, as: UTF8.self))
    }
}
