import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL server (Debian's `postgresql` package) for tests: a fresh cluster made by
/// `initdb` in a temporary directory, password (SCRAM) authentication, listening on a free
/// loopback port, started once per test process and stopped (fast shutdown) when it exits.
/// As root it runs as the `postgres` user (`setpriv`), since PostgreSQL refuses to run as root.
/// A test that stops and restarts the server takes a `dedicated()` one of its own.
public final class PostgresServer: Sendable {
    public let port: Int
    public let user = "greenmark"
    /// The cluster's password; tests pass it through `PGPASSWORD`, never on a command line.
    public let password: String
    let dataDirectory: String
    private let cluster: String
    private let bin: String
    private let root: Bool
    /// The running postmaster, nil while stopped.
    private let server = Mutex<Process?>(nil)
    var pid: Int32 { server.withLock { $0?.processIdentifier ?? 0 } }

    /// The process-wide server, started on first use.
    public static func shared() throws -> PostgresServer {
        try sharedServer.withLock { server in
            if let server { return server }
            let started = try PostgresServer()
            server = started
            runningPID.store(started.pid, ordering: .relaxed)
            atexit {
                let pid = PostgresServer.runningPID.load(ordering: .relaxed)
                guard pid > 0 else { return }
                kill(pid, SIGINT)  // fast shutdown: disconnect clients, checkpoint, exit
                var status: Int32 = 0
                for _ in 0..<200 where waitpid(pid, &status, WNOHANG) == 0 { usleep(50_000) }
            }
            return started
        }
    }

    private static let sharedServer = Mutex<PostgresServer?>(nil)
    private static let runningPID = Atomic<Int32>(0)

    /// A server of this test's own (to stop and restart); the caller stops it with `stop()`.
    public static func dedicated() throws -> PostgresServer { try PostgresServer() }

    /// The directory of the newest installed PostgreSQL's server programs, or nil.
    public static var binDirectory: String? {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted()
        return versions.last.map { "\(base)/\($0)/bin" }.flatMap { FileManager.default.isExecutableFile(atPath: $0 + "/postgres") ? $0 : nil }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private init() throws {
        guard let bin = Self.binDirectory else {
            throw Failure(description: "PostgreSQL is not installed (apt-get install postgresql); scripts/bootstrap.sh installs it")
        }
        self.bin = bin
        root = getuid() == 0
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("gm-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        password = UUID().uuidString + UUID().uuidString
        let passwordFile = dataDirectory + "/.pw"
        FileManager.default.createFile(atPath: passwordFile, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600])
        if root, let pw = getpwnam("postgres") {
            for path in [dataDirectory, passwordFile] { chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid) }
        }
        cluster = dataDirectory + "/cluster"
        try Self.run(
            Self.asPostgres(
                root,
                [
                    bin + "/initdb", "-D", cluster, "-U", user, "--auth=scram-sha-256",
                    "--pwfile=" + passwordFile, "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
                ]))
        try? FileManager.default.removeItem(atPath: passwordFile)

        port = LoopbackPort.free()
        try start()
    }

    /// Starts the postmaster on the cluster and port and waits until it accepts logins.
    public func start() throws {
        let server = Process()
        let command = Self.asPostgres(
            root,
            [
                bin + "/postgres", "-D", cluster, "-p", String(port), "-k", dataDirectory,
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200",
            ])
        server.executableURL = URL(fileURLWithPath: command[0])
        server.arguments = Array(command.dropFirst())
        let logPath = dataDirectory + "/server.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        server.standardOutput = log
        server.standardError = log
        try server.run()

        let deadline = Date().addingTimeInterval(90)
        while (try? psql("SELECT 1", database: "postgres")) == nil {
            guard server.isRunning, Date() < deadline else {
                if server.isRunning { kill(server.processIdentifier, SIGKILL) }
                let text = (try? String(contentsOfFile: dataDirectory + "/server.log", encoding: .utf8)) ?? ""
                throw Failure(description: "PostgreSQL did not start on port \(port): \(text.suffix(2000))")
            }
            usleep(100_000)
        }
        self.server.withLock { $0 = server }
    }

    /// Stops the postmaster (fast shutdown: clients are disconnected, then a checkpoint) and waits
    /// until it has exited.
    public func stop() {
        guard
            let server = self.server.withLock({ s -> Process? in
                defer { s = nil }
                return s
            })
        else { return }
        kill(server.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(60)
        while server.isRunning && Date() < deadline { usleep(50_000) }
    }

    /// Creates an empty database and returns its name.
    public func createDatabase() throws -> String {
        let name = "gm_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try psql("CREATE DATABASE \(name)", database: "postgres")
        return name
    }

    /// A URI for `database` without the password (pass `environment` to whoever connects).
    public func uri(database: String) -> String { "postgresql://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    /// A URI for `database` with the password: for in-process tests only.
    public func uriWithPassword(database: String) -> String {
        "postgresql://\(user):\(password)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// The environment that lets libpq (and so `greenmark`, `greenmarkd` and `psql`) log in.
    public var environment: [String: String] { ["PGPASSWORD": password] }

    /// Runs SQL with `psql` and returns its unaligned output.
    @discardableResult
    public func psql(_ sql: String, database: String) throws -> String {
        let bin = Self.binDirectory ?? "/usr/bin"
        return try Self.run(
            [
                bin + "/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port),
                "-U", user, "-d", database, "-c", sql,
            ], environment: environment)
    }

    private static func asPostgres(_ root: Bool, _ command: [String]) -> [String] {
        root ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + command : command
    }

    @discardableResult
    private static func run(_ command: [String], environment: [String: String] = [:]) throws -> String {
        let (status, text) = try Subprocess.run(command[0], Array(command.dropFirst()), environment: environment)
        guard status == 0 else { throw Failure(description: "\(command[0]) failed: \(text)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
