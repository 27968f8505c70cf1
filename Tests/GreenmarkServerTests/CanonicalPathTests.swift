import Foundation
import GreenmarkServer
import GreenmarkStorage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One normalized path (#17): every other spelling of a documented route (`//v1/…`, `/v1//…`,
/// `/./v1/…`, `/v1/../v1/…`, a trailing `/`, percent-encoding, no leading `/`, absolute form) is
/// refused with 400 `http.path_not_canonical` before authentication and rate limits, so none is
/// ever served and none escapes the limiter; the canonical path is authorized and limited as
/// before. Sent byte for byte over a socket to the real `greenmarkd` (URL libraries would
/// normalize some of them away before sending).
@Suite("One canonical request path (real greenmarkd on loopback)", .serialized)
struct CanonicalPathTests {
    /// One HTTP/1.1 request with `target` as the request target, exactly as given; the status and JSON body.
    static func send(port: Int, method: String, target: String, token: String? = nil, body: [String: Any]? = nil) throws -> (
        status: Int, body: [String: Any]
    ) {
        let r = try RawHTTP.send(
            port: port, method: method, target: target, token: token,
            body: try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) })
        return (r.status, r.json)
    }

    /// Every other spelling of `uri` (a canonical path with an optional query) that an HTTP stack,
    /// a proxy or a router might treat as the same resource.
    static func variants(of uri: String, port: Int) -> [String] {
        let (path, query) = uri.firstIndex(of: "?").map { (String(uri[..<$0]), String(uri[$0...])) } ?? (uri, "")
        let segments = path.split(separator: "/").map(String.init)
        let first = segments.first ?? ""
        let rest = segments.dropFirst().joined(separator: "/")
        let tail = rest.isEmpty ? "" : "/" + rest
        let encodedFirst: String = first.isEmpty ? "" : String(format: "%%%02X", first.utf8.first!) + String(first.dropFirst())
        let rootless = String(path.dropFirst())
        var out: [String] = []
        out.append("/" + path)  // //v1/detect
        out.append("///" + rootless)  // ///v1/detect
        out.append("/./" + rootless)  // /./v1/detect
        out.append("/" + first + "/../" + rootless)  // /v1/../v1/detect
        out.append("/" + first + "/%2e%2e/" + rootless)  // /v1/%2e%2e/v1/detect
        out.append("/" + first + "/%2E%2E/" + rootless)
        out.append("/%2e/" + rootless)  // /%2e/v1/detect
        out.append(path + "/")  // /v1/detect/
        out.append(path + "/.")  // /v1/detect/.
        out.append("/" + encodedFirst + tail)  // /%761/detect
        out.append(rootless)  // v1/detect
        out.append("http://127.0.0.1:\(port)/" + path)  // absolute form with //v1/detect
        out.append(path.replacingOccurrences(of: "/", with: "\\"))  // \v1\detect
        if !rest.isEmpty {
            out.append("/" + first + "//" + rest)  // /v1//detect
            out.append("/" + first + "%2F" + rest)  // /v1%2Fdetect
            out.append("/" + first + "%2f" + rest)
            out.append("/" + first + "/./" + rest)  // /v1/./detect
        }
        return out.map { $0 + query }
    }

    @Test(
        "the rule: canonical paths pass; empty, dot and dot-dot segments, trailing slashes, percent-encoding, backslashes and relative paths are refused, with the canonical form named when obvious"
    )
    func rule() {
        for path in ["/", "/v1/detect", "/v1/certificates/gmc-0123", "/healthz", "/v1/admin/keys/wk-00/disable", "/v1/log/consistency"] {
            #expect(CanonicalPath.problem(path) == nil, "\(path)")
        }
        for uri in ["/v1/detect", "/v1/admin/keys/wk-0000000000000000/disable", "/healthz"] {
            for variant in Self.variants(of: uri, port: 8080) where !variant.hasPrefix("http://") {
                #expect(CanonicalPath.problem(variant) != nil, "\(variant) accepted")
            }
        }
        #expect(CanonicalPath.suggestion("//v1/detect") == "/v1/detect")
        #expect(CanonicalPath.suggestion("/%761/detect") == "/v1/detect")
        #expect(CanonicalPath.suggestion("/v1/%2e%2e/v1/detect") == "/v1/detect")
        #expect(CanonicalPath.suggestion("/v1/<script>") == nil)
    }

    @Test(
        "every documented route: each non-canonical spelling is 400 http.path_not_canonical for every caller and never served; it costs no rate-limit token, and the canonical path is authorized and limited as before"
    )
    func everyDocumentedRoute() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let operations = OpenAPIConformanceTests.operations
        // One admin token per operation, so each operation's canonical requests meet a full bucket of one.
        var tokens: [String] = []
        for _ in operations { tokens.append(try s.services.registry.createToken(role: .admin).token) }
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: [
                "serve", "--home", s.home, "--port", String(port), "--no-generation",
                "--rate-limit", "0.001", "--rate-burst", "1",
            ], environment: [:], port: port)
        #expect(await daemon.waitUntilReady(), "greenmarkd did not start: \(daemon.log)")
        var refusals = 0
        for (op, token) in zip(operations, tokens) {
            let method = op.method.uppercased()
            for variant in Self.variants(of: op.uri, port: port) {
                for caller in [nil, token] {
                    let r = try Self.send(port: port, method: method, target: variant, token: caller, body: op.example)
                    // A request target without a leading / is refused by the HTTP parser itself
                    // (400, empty body): not served either.
                    let byParser = !variant.hasPrefix("/") && !variant.hasPrefix("http://") && r.body.isEmpty
                    #expect(
                        r.status == 400 && (byParser || ErrorBody(r.body).code == "http.path_not_canonical"),
                        "\(method) \(variant.debugDescription) as \(caller == nil ? "anyone" : "admin"): \(r.status) \(r.body)")
                    if !byParser { refusals += 1 }
                }
            }
            // The refusals took nothing from the bucket: the canonical path is served once, then limited.
            let first = try Self.send(port: port, method: method, target: op.uri, token: token, body: op.example)
            #expect(
                first.status != 400 && first.status != 429 && op.responses[String(first.status)] != nil,
                "\(method) \(op.uri): \(first.status) \(first.body)")
            if op.path.hasPrefix("/v1/") {
                let second = try Self.send(port: port, method: method, target: op.uri, token: token, body: op.example)
                #expect(second.status == 429 && ErrorBody(second.body).code == "rate.limited", "\(method) \(op.uri): \(second.status)")
                // And without a token the canonical path is authorized as before.
                if op.role != "public" {
                    let anonymous = try Self.send(port: port, method: method, target: op.uri, body: op.example)
                    #expect(anonymous.status == 401 || anonymous.status == 429, "\(method) \(op.uri) without a token: \(anonymous.status)")
                }
            }
        }
        #expect(refusals > 500)
        let metrics = try #require(try await HTTP.text(daemon.baseURL + "/metrics"))
        #expect(
            metrics.contains("greenmark_http_noncanonical_paths_total \(refusals)"),
            "\(metrics.split(separator: "\n").filter { $0.contains("noncanonical") })")
    }
}
