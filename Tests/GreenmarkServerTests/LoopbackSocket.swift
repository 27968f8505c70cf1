import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The plain-socket pieces the raw HTTP helpers share (`RawHTTP`, `RawHTTPConnection`,
/// `HalfSentRequest`): connect to an IPv4 address, send every byte, read until the peer closes.
enum LoopbackSocket {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// A TCP socket connected to `host:port` (with a receive timeout when given); the caller closes it.
    static func connect(host: String = "127.0.0.1", port: Int, receiveTimeout seconds: Int? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        if let seconds {
            var timeout = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let e = errno
            close(fd)
            throw Failure(description: "connect to \(host):\(port): errno \(e)")
        }
        return fd
    }

    /// Sends all of `bytes` (retrying short writes and EINTR; no SIGPIPE).
    static func sendAll(_ bytes: [UInt8], to fd: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += n
        }
    }

    /// Everything the peer sends until it closes the connection (or the receive timeout passes).
    static func readToEnd(_ fd: Int32) -> [UInt8] {
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            response += buffer[0..<n]
        }
        return response
    }
}
