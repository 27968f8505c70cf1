import Foundation
import GreenmarkTestSupport
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The real `greenmarkd` executable (built next to the test bundle) running as a child process on
/// a loopback port, with its standard error kept in a file for failure messages.
final class DaemonProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let logPath: String

    static var executable: URL {
        Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("greenmarkd")
    }

    /// Path of a fixture file.
    static func fixture(_ name: String) -> String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    /// Starts `greenmarkd arguments...` with the test's environment minus every `GREENMARK_*`
    /// variable, plus `environment`. `port` is where the caller configured it to listen.
    init(arguments: [String], environment: [String: String], port: Int) throws {
        self.port = port
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("greenmarkd-\(UUID().uuidString).log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = Self.executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GREENMARK_") }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = FileHandle(forWritingAtPath: logPath)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: logPath)
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Waits until `/healthz` answers 200; false if the process exits or time runs out.
    func waitUntilReady(timeout: Duration = .seconds(300)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, process.isRunning {
            if let (status, _) = try? await HTTP.request("GET", baseURL + "/healthz", timeout: 5), status == 200 { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Requests the daemon is handling besides the `/metrics` request that asks, or nil.
    func requestsInFlight() async -> Int? {
        guard let text = try? await HTTP.text(baseURL + "/metrics", timeout: 5),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("greenmark_http_requests_in_flight ") }),
            let value = Double(line.split(separator: " ").last ?? "")
        else { return nil }
        return Int(value) - 1
    }

    /// Waits until `/metrics` shows `count` requests in flight, or `fallback` once `after` has
    /// passed; returns the number seen (0 on timeout or exit).
    func waitForRequestsInFlight(atLeast count: Int, orAtLeast fallback: Int, after: Duration, timeout: Duration) async -> Int {
        let start = ContinuousClock.now
        while ContinuousClock.now < start + timeout, process.isRunning {
            if let n = await requestsInFlight(), n >= count || (n >= fallback && ContinuousClock.now > start + after) { return n }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return 0
    }

    /// Whether the process is still running.
    var isRunning: Bool { process.isRunning }

    /// Sends SIGTERM.
    func terminate() { kill(process.processIdentifier, SIGTERM) }

    /// Waits for the process to exit; its exit status, or nil on timeout.
    func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// A port that was free a moment ago.
    static func freePort() -> Int { LoopbackPort.free() }

    /// Whether a TCP connection to 127.0.0.1:`port` is refused (nothing listening).
    static func connectionRefused(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc != 0 && errno == ECONNREFUSED
    }
}

/// Watches a port from a thread of its own (not Swift concurrency's shared pool, which other
/// suites' blocking work can starve on a loaded machine) and records when connections to it are
/// first refused.
final class RefusalWatcher: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let refused = Mutex<ContinuousClock.Instant?>(nil)

    /// Starts polling `port` every 5 ms for up to `timeout`.
    init(port: Int, timeout: Duration) {
        let thread = Thread { [self] in
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if DaemonProcess.connectionRefused(port: port) {
                    refused.withLock { $0 = .now }
                    break
                }
                usleep(5_000)
            }
            done.signal()
        }
        thread.start()
    }

    /// When the first refusal was seen (nil: never, within the timeout); waits for the watcher.
    func result() async -> ContinuousClock.Instant? {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.done.wait()
                c.resume()
            }
        }
        return refused.withLock { $0 }
    }
}

/// A minimal HTTP client over URLSession for talking to a daemon process.
enum HTTP {
    /// One session for every process test, allowing many connections per host: suites run in
    /// parallel and all talk to 127.0.0.1, so the shared session's small per-host limit would
    /// queue one suite's health probe behind another suite's load.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 512
        return URLSession(configuration: configuration)
    }()

    static func request(
        _ method: String, _ url: String, token: String? = nil, json: [String: Any]? = nil,
        timeout: TimeInterval = 300
    ) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, body)
    }

    /// GET `url`: the status and the exact body bytes.
    static func data(_ url: String, token: String? = nil, timeout: TimeInterval = 60) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = timeout
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// GET `url` as text; nil unless the status is 200.
    static func text(_ url: String, timeout: TimeInterval = 30) async throws -> String? {
        let (status, body) = try await data(url, timeout: timeout)
        return status == 200 ? String(decoding: body, as: UTF8.self) : nil
    }
}

/// Whether `python3` can import `module` (for tests that drive a Python client).
func pythonHasModule(_ module: String) -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import \(module)"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
}
