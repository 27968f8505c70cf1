import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a helper program (`pdftotext`) as a separate process under resource limits: address space,
/// CPU time, no files written (`RLIMIT_FSIZE` 0), no core dumps (set by util-linux `prlimit` before it
/// executes the program), a wall-clock deadline after which it is killed, and a cap on what it may
/// print. Only the helper can crash; the caller gets a `Result` to judge.
///
/// Started with `posix_spawn` (signals at their defaults, standard input `/dev/null`, a minimal
/// environment) and read with `poll` on the calling thread: no threads, and nothing that outlives the
/// call (Foundation's `Process` leaks its object graph on Linux, as the fuzzer's leak check showed).
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
        /// Whether it was killed at the wall-clock deadline.
        var timedOut = false
        /// Whether it was killed for printing more than `maxOutput` bytes.
        var overflowed = false
    }

    /// `prlimit` (util-linux), which sets the limits on itself and then executes the program.
    static let prlimit = "/usr/bin/prlimit"
    /// Most standard error kept.
    static let maxErrorOutput = 64 << 10

    /// The program and its arguments.
    let executable: String
    let arguments: [String]
    /// Address-space limit in bytes, CPU-time limit and wall-clock timeout in seconds.
    let memoryBytes: Int
    let cpuSeconds: Int
    let timeoutSeconds: Int
    /// Largest standard output kept; more kills the child.
    let maxOutput: Int

    /// The command line that applies the limits and executes the program.
    var commandLine: [String] {
        if access(Self.prlimit, X_OK) == 0 {
            return [Self.prlimit, "--as=\(memoryBytes)", "--cpu=\(cpuSeconds)", "--fsize=0", "--core=0", "--", executable] + arguments
        }
        // Without prlimit (macOS): the shell's ulimit for CPU time and file size, then exec.
        return ["/bin/sh", "-c", "ulimit -t \(cpuSeconds) -f 0 -c 0; exec \"$0\" \"$@\"", executable] + arguments
    }

    /// Runs the child to its end (or kills it); throws only when it cannot be started.
    func run() throws(DocumentError) -> Result {
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        guard pipe(&output) == 0 else { throw DocumentError(.extractorUnavailable, "no pipe for \(executable)") }
        guard pipe(&errors) == 0 else {
            _ = close(output[0])
            _ = close(output[1])
            throw DocumentError(.extractorUnavailable, "no pipe for \(executable)")
        }
        for fd in output + errors { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let pid = spawn(stdout: output[1], stderr: errors[1])
        _ = close(output[1])
        _ = close(errors[1])
        guard let pid else {
            _ = close(output[0])
            _ = close(errors[0])
            throw DocumentError(.extractorUnavailable, "\(executable) cannot be started (install poppler-utils)")
        }
        var result = Result()
        let deadline = Self.now() + Double(timeoutSeconds)
        collect(pid: pid, output: output[0], errors: errors[0], deadline: deadline, into: &result)
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            if Self.now() >= deadline, !result.timedOut {
                result.timedOut = true
                _ = kill(pid, SIGKILL)
            }
            usleep(2000)
        }
        if status & 0x7F == 0 {
            result.status = (status >> 8) & 0xFF
        } else {
            result.signaled = true
            result.status = status & 0x7F
        }
        return result
    }

    /// Starts the child with `stdout` and `stderr` as its output, `/dev/null` as input; nil when it cannot start.
    private func spawn(stdout: Int32, stderr: Int32) -> pid_t? {
        #if canImport(Glibc)
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #else
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        var all = sigset_t()
        var none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv: [UnsafeMutablePointer<CChar>?] = commandLine.map { strdup($0) } + [nil]
        let environment: [String] = ["PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8"]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        guard let path = argv[0], posix_spawn(&pid, path, &actions, &attributes, argv, envp) == 0 else { return nil }
        return pid
    }

    /// Reads both pipes until they close, the deadline passes or the output limit is passed (then
    /// the child is killed); closes them.
    private func collect(pid: pid_t, output: Int32, errors: Int32, deadline: Double, into result: inout Result) {
        var fds = [pollfd(fd: output, events: Int16(POLLIN), revents: 0), pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65536)
        defer { for entry in fds where entry.fd >= 0 { _ = close(entry.fd) } }
        while fds.contains(where: { $0.fd >= 0 }) {
            let remaining = deadline - Self.now()
            if remaining <= 0 {
                result.timedOut = true
                _ = kill(pid, SIGKILL)
                return
            }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000, 1000).rounded(.up)))
            if ready < 0 && errno != EINTR { return }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let count = read(fds[i].fd, &buffer, buffer.count)
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count <= 0 {
                    _ = close(fds[i].fd)
                    fds[i].fd = -1
                    continue
                }
                let chunk = buffer[0..<count]
                if i == 0 {
                    let room = max(0, maxOutput - result.stdout.count)
                    result.stdout += chunk.prefix(room)
                    if count > room {
                        result.overflowed = true
                        _ = kill(pid, SIGKILL)
                        return
                    }
                } else {
                    result.stderr += chunk.prefix(max(0, Self.maxErrorOutput - result.stderr.count))
                }
            }
        }
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
