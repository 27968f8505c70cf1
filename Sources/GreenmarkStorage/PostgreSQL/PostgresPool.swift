import Foundation
import Synchronization

/// A bounded pool of libpq connections: at most `capacity` open at once, each used by one caller
/// at a time; a caller waits (up to `timeout`) when all are busy. A connection that broke is
/// dropped, and the next caller opens a fresh one, so a restarted server is reconnected to.
final class PostgresPool: Sendable {
    private let conninfo: String
    let redacted: String
    private let idle = Mutex<[PostgresConnection]>([])
    private let slots: DispatchSemaphore
    private let timeout: Duration

    init(conninfo: String, redacted: String, capacity: Int = 8, timeout: Duration = .seconds(10)) {
        self.conninfo = conninfo
        self.redacted = redacted
        self.slots = DispatchSemaphore(value: capacity)
        self.timeout = timeout
    }

    /// Runs `body` with a connection of its own.
    func with<T>(_ body: (PostgresConnection) throws(StorageError) -> T) throws(StorageError) -> T {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        guard slots.wait(timeout: .now() + seconds) == .success else {
            throw StorageError(.readFailed, "every connection to \(redacted) stayed busy for \(seconds) s")
        }
        defer { slots.signal() }
        let connection: PostgresConnection
        if let reused = idle.withLock({ $0.popLast() }) {
            connection = reused
        } else {
            connection = try PostgresConnection(conninfo: conninfo, redacted: redacted)
        }
        defer { release(connection) }
        return try body(connection)
    }

    /// Runs `body` inside a transaction on a connection of its own (`PostgresConnection.transaction`).
    func transaction<T>(_ body: (PostgresConnection) throws(StorageError) -> T) throws(StorageError) -> T {
        try with { (c) throws(StorageError) -> T in try c.transaction { (c) throws(StorageError) -> T in try body(c) } }
    }

    private func release(_ connection: PostgresConnection) {
        guard connection.isHealthy else { return }
        idle.withLock { $0.append(connection) }
    }
}
