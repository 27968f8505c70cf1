import Foundation

/// Runs a helper program (`pdftotext`) as a separate process under resource limits: address space,
/// CPU time, no files written (`RLIMIT_FSIZE` 0), no core dumps (set by util-linux `prlimit` before it
/// executes the program), a wall-clock timeout after which it is killed, and a cap on what it may
/// print. Only the helper can crash; the caller gets a `Result` to judge.
struct ChildProcess {
    /// What the child did.
    struct Result {
        /// Exit status, or the signal number when `signaled`.
        var status: Int32 = 0
        /// Whether the child ended on a signal.
        var signaled = false
        /// Its standard output (at most `maxOutput` bytes).
        var stdout: [UInt8] = []
        /// Its standard error (at most 64 KiB).
        var stderr: [UInt8] = []
        /// Whether it was killed at the wall-clock timeout.
        var timedOut = false
        /// Whether it was killed for printing more than `maxOutput` bytes.
        var overflowed = false
    }

    /// `prlimit` (util-linux), which sets the limits on itself and then executes the program.
    static let prlimit = "/usr/bin/prlimit"

    /// The program and its arguments.
    let executable: String
    let arguments: [String]
    /// Address-space limit in bytes, CPU-time limit and wall-clock timeout in seconds.
    let memoryBytes: Int
    let cpuSeconds: Int
    let timeoutSeconds: Int
    /// Largest standard output kept; more kills the child.
    let maxOutput: Int

    /// Runs the child to its end (or kills it); throws only when it cannot be started.
    func run() throws(DocumentError) -> Result {
        let process = Process()
        if FileManager.default.isExecutableFile(atPath: Self.prlimit) {
            process.executableURL = URL(fileURLWithPath: Self.prlimit)
            process.arguments =
                ["--as=\(memoryBytes)", "--cpu=\(cpuSeconds)", "--fsize=0", "--core=0", "--", executable] + arguments
        } else {
            // Without prlimit (macOS): the shell's ulimit for CPU time and file size, then exec.
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -t \(cpuSeconds) -f 0 -c 0; exec \"$0\" \"$@\"", executable] + arguments
        }
        process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let collected = Collected()
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw DocumentError(.extractorUnavailable, "\(executable) cannot be started (install poppler-utils)")
        }
        let pid = process.processIdentifier
        let readers = DispatchGroup()
        let maxOutput = maxOutput
        DispatchQueue.global().async(group: readers) {
            collected.drain(output.fileHandleForReading, limit: maxOutput, isError: false) {
                if process.isRunning { kill(pid, SIGKILL) }
            }
        }
        DispatchQueue.global().async(group: readers) {
            collected.drain(errors.fileHandleForReading, limit: 64 << 10, isError: true) {}
        }
        var result = Result()
        if exited.wait(timeout: .now() + .seconds(timeoutSeconds)) == .timedOut {
            result.timedOut = true
            if process.isRunning { kill(pid, SIGKILL) }
            exited.wait()
        }
        readers.wait()
        result.status = process.terminationStatus
        result.signaled = process.terminationReason == .uncaughtSignal
        (result.stdout, result.stderr, result.overflowed) = collected.values
        return result
    }
}

/// Output collected from a child's pipes by reader threads.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var stdout: [UInt8] = []
    private var stderr: [UInt8] = []
    private var overflowed = false

    /// Standard output, standard error and whether the output limit was passed.
    var values: ([UInt8], [UInt8], Bool) { lock.withLock { (stdout, stderr, overflowed) } }

    /// Reads `handle` to its end, keeping at most `limit` bytes; calls `onOverflow` once past it.
    func drain(_ handle: FileHandle, limit: Int, isError: Bool, onOverflow: () -> Void) {
        var kept = 0
        var signaled = false
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            let room = max(0, limit - kept)
            let part = [UInt8](chunk.prefix(room))
            kept += part.count
            lock.withLock {
                if isError { stderr += part } else { stdout += part }
                if chunk.count > room && !isError { overflowed = true }
            }
            if chunk.count > room, !isError, !signaled {
                signaled = true
                onOverflow()
            }
        }
    }
}
