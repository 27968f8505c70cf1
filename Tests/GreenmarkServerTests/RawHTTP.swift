import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request over a plain socket, sent byte for byte as given (request target, body):
/// for requests URL libraries would normalize or refuse to build (`//v1/…`, a body with a
/// repeated member name).
enum RawHTTP {
    struct Response {
        let status: Int
        let head: String
        let body: [UInt8]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func send(host: String = "127.0.0.1", port: Int, method: String, target: String, token: String? = nil,
                     body: [UInt8]? = nil, headers: [String] = []) throws -> Response {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nContent-Length: \(body?.count ?? 0)\r\n"
        if body != nil { head += "Content-Type: application/json\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for header in headers { head += header + "\r\n" }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HalfSentRequest.Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HalfSentRequest.Failure(description: "connect to \(host):\(port): errno \(errno)") }
        let request = Array((head + "\r\n").utf8) + (body ?? [])
        var offset = 0
        while offset < request.count {
            let n = request[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw HalfSentRequest.Failure(description: "send: errno \(errno)") }
            offset += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            response += buffer[0..<n]
        }
        guard let split = response.firstRange(of: Array("\r\n\r\n".utf8)) else {
            throw HalfSentRequest.Failure(description: "no HTTP response to \(method) \(target.debugDescription) (\(response.count) bytes)")
        }
        let headText = String(decoding: response[..<split.lowerBound], as: UTF8.self)
        guard let status = Int(headText.prefix(12).split(separator: " ").dropFirst().first ?? "") else {
            throw HalfSentRequest.Failure(description: "no status line in \(headText.debugDescription)")
        }
        var payload = Array(response[split.upperBound...])
        if headText.lowercased().contains("transfer-encoding: chunked") {
            var out: [UInt8] = [], rest = payload[...]
            while let end = rest.firstRange(of: Array("\r\n".utf8)),
                  let size = Int(String(decoding: rest[..<end.lowerBound], as: UTF8.self), radix: 16), size > 0 {
                out += rest[end.upperBound...].prefix(size)
                rest = rest[end.upperBound...].dropFirst(size + 2)
            }
            payload = out
        }
        return Response(status: status, head: headText, body: payload)
    }
}
