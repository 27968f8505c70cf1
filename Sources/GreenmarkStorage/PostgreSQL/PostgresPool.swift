import Foundation
import Synchronization

/// A bounded pool of libpq connections: at most `capacity` open at once, each used by one caller
/// at a time; a caller waits (up to `timeout`) when all are busy. A connection that broke is
/// dropped. When a pooled connection turns out to be broken (the server restarted, or closed it
/// while idle), the other idle ones are dropped too and the call runs once more on a fresh
/// connection, so the first request after a server restart succeeds instead of failing once per
/// pooled connection.
///
/// That second attempt is safe because a connection found broken did not run the call on any
/// server that is still up. The one exception is a server that commits and dies before its
/// reply arrives: then the retry meets the committed row, and the unique keys (certificate id,
/// leaf index, key-file version) make it fail with `storage.duplicate` / `storage.conflict`
/// rather than store twice.
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
        if let reused = idle.withLock({ $0.popLast() }) {
            do throws(StorageError) {
                return try run(body, on: reused)
            } catch {
                guard !reused.isHealthy else { throw error }
                idle.withLock { $0.removeAll() }
            }
        }
        return try run(body, on: try PostgresConnection(conninfo: conninfo, redacted: redacted))
    }

    private func run<T>(_ body: (PostgresConnection) throws(StorageError) -> T, on connection: PostgresConnection) throws(StorageError) -> T {
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
