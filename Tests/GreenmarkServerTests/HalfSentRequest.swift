import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 POST over a plain socket whose body is sent in two parts: once the head and half
/// the body have arrived, the daemon has the request in flight (its handler waits for the rest)
/// until `finish()` sends the remainder. That holds a request open across a signal however loaded
/// the machine is, where a merely slow request might finish first.
final class HalfSentRequest: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible { let description: String }

    private let fd: Int32
    private let rest: [UInt8]

    init(port: Int, path: String, token: String, json: [String: Any]) throws {
        let body = try JSONSerialization.data(withJSONObject: json)
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 300, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect to port \(port): errno \(errno)")
        }
        self.fd = fd
        let half = body.count / 2
        rest = Array(body.dropFirst(half))
        try send(Array(head.utf8) + Array(body.prefix(half)))
    }

    deinit { close(fd) }

    /// Sends the rest of the body and reads the response to its end (the server closes the
    /// connection); returns the status and the JSON body.
    func finish() throws -> (status: Int, body: [String: Any]) {
        try send(rest)
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n"), let status = Int(text.prefix(12).split(separator: " ").dropFirst().first ?? "") else {
            throw Failure(description: "no HTTP response (\(response.count) bytes)")
        }
        let head = text[..<split.lowerBound].lowercased()
        var payload = String(text[split.upperBound...])
        if head.contains("transfer-encoding: chunked") { payload = Self.dechunk(payload) }
        let body = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] ?? [:]
        return (status, body)
    }

    private func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += n
        }
    }

    private static func dechunk(_ text: String) -> String {
        var out = "", rest = Substring(text)
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let chunk = rest.utf8[start...].prefix(size)
            out += String(decoding: chunk, as: UTF8.self)
            rest = rest[rest.utf8.index(start, offsetBy: size)...].dropFirst(2)
        }
        return out
    }
}
