import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 POST over a plain socket whose body is sent in two parts: once the head and half
/// the body have arrived, the daemon has the request in flight (its handler waits for the rest)
/// until `finish()` sends the remainder. That holds a request open across a signal however loaded
/// the machine is, where a merely slow request might finish first.
final class HalfSentRequest: @unchecked Sendable {
    typealias Failure = LoopbackSocket.Failure

    private let fd: Int32
    private let rest: [UInt8]

    init(port: Int, path: String, token: String, json: [String: Any]) throws {
        let body = try JSONSerialization.data(withJSONObject: json)
        let head =
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let fd = try LoopbackSocket.connect(port: port, receiveTimeout: 300)
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
        let response = try RawHTTP.parse(LoopbackSocket.readToEnd(fd), request: "the half-sent request")
        return (response.status, response.json)
    }

    private func send(_ bytes: [UInt8]) throws { try LoopbackSocket.sendAll(bytes, to: fd) }
}
