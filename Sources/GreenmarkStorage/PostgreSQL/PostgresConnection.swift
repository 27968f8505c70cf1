import CLibPQ
import Foundation

/// One libpq connection, used by one caller at a time (the pool hands it out exclusively).
/// Statements are sent with `PQexecParams`: parameters travel separately from the SQL text, text
/// values in text format and byte strings in binary format, so nothing is ever spliced into SQL.
final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer

    /// Connects with a libpq connection string or URI. libpq itself reads `PGPASSWORD`,
    /// `PGPASSFILE` (`~/.pgpass`) and the other `PG*` variables for what the string leaves out.
    init(conninfo: String, redacted: String) throws(StorageError) {
        guard let c = PQconnectdb(conninfo) else { throw StorageError(.openFailed, "cannot connect to \(redacted): out of memory") }
        guard PQstatus(c) == CONNECTION_OK else {
            let message = Self.message(PQerrorMessage(c))
            PQfinish(c)
            throw StorageError(.openFailed, "cannot connect to \(redacted): \(message)")
        }
        handle = c
        // Errors and notices in English whatever the server's locale; UTC timestamps.
        _ = try? execute("SET client_min_messages TO warning")
    }

    deinit { PQfinish(handle) }

    /// False once the server or network dropped the connection; the pool then discards it.
    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs `body` inside a transaction: committed if it returns, rolled back if it throws.
    func transaction<T>(_ body: (PostgresConnection) throws(StorageError) -> T) throws(StorageError) -> T {
        try execute("BEGIN")
        do throws(StorageError) {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs one statement with `parameters` ($1, $2, ...) and returns its rows (text format).
    @discardableResult
    func execute(_ sql: String, _ parameters: [PostgresValue] = []) throws(StorageError) -> PostgresRows {
        // Parameter buffers, owned here until the call returns.
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        defer { for b in buffers { free(b) } }
        for p in parameters {
            switch p {
            case .null:
                buffers.append(nil)
                lengths.append(0)
                formats.append(0)
            case .text(let s):
                buffers.append(strdup(s))
                lengths.append(0)
                formats.append(0)
            case .int(let i):
                buffers.append(strdup(String(i)))
                lengths.append(0)
                formats.append(0)
            case .bytes(let bytes):
                let b = malloc(max(bytes.count, 1))!.assumingMemoryBound(to: CChar.self)
                bytes.withUnsafeBytes { raw in if let base = raw.baseAddress { memcpy(b, base, bytes.count) } }
                buffers.append(b)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            }
        }
        let values = buffers.map { UnsafePointer<CChar>($0) }
        let result = PQexecParams(handle, sql, Int32(parameters.count), nil, values, lengths, formats, 0)
        defer { PQclear(result) }
        guard let result else {
            throw StorageError(.writeFailed, "PostgreSQL: \(Self.message(PQerrorMessage(handle)))")
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return PostgresRows(result)
        default:
            let state = PQresultErrorField(result, gm_pg_diag_sqlstate).map { String(cString: $0) } ?? ""
            let message = Self.message(PQresultErrorMessage(result))
            throw PostgresError(sqlState: state, message: message).storageError
        }
    }

    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        (text.map { String(cString: $0) } ?? "unknown error").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A statement parameter.
enum PostgresValue {
    case null
    case text(String)
    case int(Int64)
    case bytes([UInt8])

    static func optional(_ s: String?) -> PostgresValue { s.map(PostgresValue.text) ?? .null }
}

/// A server error with its SQLSTATE, mapped to the registry's error codes.
struct PostgresError {
    let sqlState: String
    let message: String

    var storageError: StorageError {
        switch sqlState {
        case "23505": return StorageError(.duplicate, "a record with the same id exists (\(message))")
        case "40001", "40P01": return StorageError(.conflict, "PostgreSQL: \(message)")
        case _ where sqlState.hasPrefix("53"): return StorageError(.writeFailed, "PostgreSQL is out of resources: \(message)")
        default: return StorageError(.writeFailed, "PostgreSQL: \(message) (SQLSTATE \(sqlState))")
        }
    }
}

/// The rows of a result, copied out of libpq's buffer, all values as text (or nil for NULL).
struct PostgresRows {
    let columns: [String]
    let rows: [[String?]]

    init(_ result: OpaquePointer) {
        let n = Int(PQnfields(result))
        columns = (0..<n).map { String(cString: PQfname(result, Int32($0))) }
        rows = (0..<Int(PQntuples(result))).map { r in
            (0..<n).map { c in
                PQgetisnull(result, Int32(r), Int32(c)) == 1 ? nil : String(cString: PQgetvalue(result, Int32(r), Int32(c)))
            }
        }
    }

    /// The value of `column` in row `row`.
    func text(_ row: Int, _ column: String) -> String? {
        guard let i = columns.firstIndex(of: column) else { return nil }
        return rows[row][i]
    }

    func int(_ row: Int, _ column: String) -> Int64? { text(row, column).flatMap { Int64($0) } }

    /// A `bytea` value, which the text format writes as `\x` and hex digits.
    func bytes(_ row: Int, _ column: String) -> [UInt8]? {
        guard let s = text(row, column), s.hasPrefix("\\x") else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity((s.utf8.count - 2) / 2)
        var high: UInt8?
        for c in s.utf8.dropFirst(2) {
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 97...102: v = c - 87
            case 65...70: v = c - 55
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return high == nil ? out : nil
    }

    var count: Int { rows.count }
}
