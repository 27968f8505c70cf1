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

    static func send(
        host: String = "127.0.0.1", port: Int, method: String, target: String, token: String? = nil,
        body: [UInt8]? = nil, headers: [String] = []
    ) throws -> Response {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nContent-Length: \(body?.count ?? 0)\r\n"
        if body != nil { head += "Content-Type: application/json\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for header in headers { head += header + "\r\n" }
        let fd = try LoopbackSocket.connect(host: host, port: port, receiveTimeout: 120)
        defer { close(fd) }
        try LoopbackSocket.sendAll(Array((head + "\r\n").utf8) + (body ?? []), to: fd)
        return try parse(LoopbackSocket.readToEnd(fd), request: "\(method) \(target.debugDescription)")
    }

    /// A whole HTTP/1.1 response (status line, head, body; a chunked body joined).
    static func parse(_ response: [UInt8], request: String) throws -> Response {
        guard let split = response.firstRange(of: Array("\r\n\r\n".utf8)) else {
            throw LoopbackSocket.Failure(description: "no HTTP response to \(request) (\(response.count) bytes)")
        }
        let headText = String(decoding: response[..<split.lowerBound], as: UTF8.self)
        guard let status = Int(headText.prefix(12).split(separator: " ").dropFirst().first ?? "") else {
            throw LoopbackSocket.Failure(description: "no status line in \(headText.debugDescription)")
        }
        var payload = Array(response[split.upperBound...])
        if headText.lowercased().contains("transfer-encoding: chunked") {
            var out: [UInt8] = []
            var rest = payload[...]
            while let end = rest.firstRange(of: Array("\r\n".utf8)),
                let size = Int(String(decoding: rest[..<end.lowerBound], as: UTF8.self), radix: 16), size > 0
            {
                out += rest[end.upperBound...].prefix(size)
                rest = rest[end.upperBound...].dropFirst(size + 2)
            }
            payload = out
        }
        return Response(status: status, head: headText, body: payload)
    }
}
