import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 connection over a plain socket, for what URLSession cannot do: stop reading,
/// half-close, or reset the connection (TCP RST, `SO_LINGER {1, 0}`) at a chosen moment.
final class RawHTTPConnection: @unchecked Sendable {
    typealias Failure = LoopbackSocket.Failure

    private var fd: Int32
    /// Everything received so far.
    private(set) var received: [UInt8] = []

    init(port: Int) throws {
        fd = try LoopbackSocket.connect(port: port)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Sends a POST with a JSON body.
    func post(_ path: String, token: String, json: [String: Any], keepAlive: Bool = true) throws {
        let body = try JSONSerialization.data(withJSONObject: json)
        let head =
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n"
        try send(Array(head.utf8) + Array(body))
    }

    func send(_ bytes: [UInt8]) throws { try LoopbackSocket.sendAll(bytes, to: fd) }

    /// Reads until `done(text so far)` holds, the peer closes, or `timeout` seconds pass; returns
    /// everything received as text.
    @discardableResult
    func read(timeout: Double, until done: (String) -> Bool = { _ in false }) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !done(text), Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(max(1, min(200, deadline.timeIntervalSinceNow * 1000))))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            received += buffer[0..<n]
        }
        return text
    }

    var text: String { String(decoding: received, as: UTF8.self) }

    /// The status code of the response received, if its status line has arrived.
    var status: Int? {
        let t = text
        guard t.hasPrefix("HTTP/1.1 "), t.count >= 12 else { return nil }
        return Int(t.dropFirst(9).prefix(3))
    }

    /// Resets the connection: `SO_LINGER {1, 0}` then close, so the peer gets a TCP RST.
    func reset() {
        guard fd >= 0 else { return }
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(fd)
        fd = -1
    }

    /// Closes the connection normally (FIN).
    func closeNormally() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }
}
