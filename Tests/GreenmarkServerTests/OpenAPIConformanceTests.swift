import Foundation
import GreenmarkServer
import GreenmarkStorage
import Hummingbird
import HummingbirdTesting
import Testing

/// Checks the live server against `docs/openapi.yaml` (the API's source of truth): every
/// documented route answers with a documented status and the documented required fields, and the
/// auth matrix holds for every route and every role.
@Suite("greenmarkd against docs/openapi.yaml", .serialized)
struct OpenAPIConformanceTests {
    static var spec: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yaml")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    struct Operation {
        let path: String
        let method: String
        let role: String
        let example: [String: Any]?
        let uri: String
        let responses: [String: [String: Any]]
    }

    static var operations: [Operation] {
        let paths = spec["paths"] as! [String: [String: [String: Any]]]
        return paths.flatMap { path, methods in
            methods.map { method, op in
                Operation(
                    path: path, method: method, role: op["x-role"] as! String, example: op["x-example"] as? [String: Any],
                    uri: op["x-example-path"] as? String ?? path, responses: op["responses"] as! [String: [String: Any]])
            }
        }.sorted { $0.path + $0.method < $1.path + $1.method }
    }

    static func required(_ schema: String) -> [String] {
        let schemas = (spec["components"] as! [String: Any])["schemas"] as! [String: [String: Any]]
        return schemas[schema]?["required"] as? [String] ?? []
    }

    @Test(
        "the spec is usable by OpenAPI tools: responses described, path parameters declared, bodies and JSON responses under content, every $ref resolves"
    )
    func structure() throws {
        let spec = Self.spec
        let schemas = (spec["components"] as! [String: Any])["schemas"] as! [String: Any]
        func refTarget(_ content: Any?) -> String? {
            (((content as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any])?["$ref"] as? String
        }
        var refs: [String] = []
        func collectRefs(_ value: Any) {
            if let object = value as? [String: Any] {
                if let ref = object["$ref"] as? String { refs.append(ref) }
                object.values.forEach(collectRefs)
            } else if let array = value as? [Any] {
                array.forEach(collectRefs)
            }
        }
        collectRefs(spec)
        for ref in refs {
            #expect(ref.hasPrefix("#/components/schemas/") && schemas[String(ref.dropFirst(21))] != nil, "unresolved \(ref)")
        }
        let paths = spec["paths"] as! [String: [String: [String: Any]]]
        for (path, methods) in paths {
            let names = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
            for (method, op) in methods {
                let declared = (op["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "path" }.compactMap {
                    $0["name"] as? String
                }
                #expect(Set(declared) == Set(names), "\(method) \(path): path parameters \(declared) for \(names)")
                #expect(op["security"] != nil, "\(method) \(path): no security requirement")
                if let body = op["requestBody"] as? [String: Any], let schema = body["x-schema"] as? String {
                    #expect(refTarget(body["content"]) == "#/components/schemas/\(schema)", "\(method) \(path): request body has no content schema")
                }
                for (code, response) in op["responses"] as! [String: [String: Any]] {
                    #expect((response["description"] as? String)?.isEmpty == false, "\(method) \(path) \(code): no description")
                    if let schema = response["x-schema"] as? String {
                        #expect(refTarget(response["content"]) == "#/components/schemas/\(schema)", "\(method) \(path) \(code): no content schema")
                    }
                }
            }
        }
    }

    @Test("the router serves exactly the documented operations, plus the two web pages; the 405 middleware reads its table from the router")
    func routerMatchesSpec() throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let served = Set(GreenmarkRoutes.router(services: s.services).routes.map { "\($0.method.rawValue) \($0.path)" })
        let documented = Set(Self.operations.map { "\($0.method.uppercased()) \($0.path)" })
        #expect(documented.count == Self.operations.count && documented.count > 20)
        #expect(served.subtracting(documented) == ["GET /", "GET /verify"], "served, not in docs/openapi.yaml")
        #expect(documented.subtracting(served).isEmpty, "in docs/openapi.yaml, not served")
    }

    @Test("every documented route answers with a documented status and schema, for every role")
    func routes() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let admin = try s.services.registry.createToken(role: .admin).token
        let tokens: [(String, String?)] = [("none", nil), ("verify", s.reader), ("stamp", s.issuer), ("admin", admin)]
        let rank = ["none": 0, "public": 0, "verify": 1, "stamp": 2, "admin": 3]
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            for op in Self.operations {
                for (roleName, token) in tokens {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let token { headers[.authorization] = "Bearer \(token)" }
                    let body = op.example.map { ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: $0)) }
                    let method: HTTPRequest.Method = op.method == "get" ? .get : .post
                    try await client.execute(uri: op.uri, method: method, headers: headers, body: body) { r in
                        let code = String(r.status.code)
                        let allowed = rank[roleName]! >= rank[op.role]!
                        if !allowed {
                            #expect(r.status == (token == nil ? .unauthorized : .forbidden), "\(op.method) \(op.path) as \(roleName)")
                        } else {
                            #expect(op.responses[code] != nil, "\(op.method) \(op.path) as \(roleName): undocumented status \(code)")
                        }
                        if let schema = op.responses[code]?["x-schema"] as? String {
                            let json = (try? JSONSerialization.jsonObject(with: Data(r.body.readableBytesView))) as? [String: Any] ?? [:]
                            for field in Self.required(schema) {
                                #expect(json[field] != nil, "\(op.method) \(op.path) \(code): missing \(field)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test(
        "a documented path asked with a method it does not have answers 405 http.method_not_allowed with Allow listing exactly its documented methods, before authentication"
    )
    func methodNotAllowed() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        // For each example URI, the methods of the most specific documented templates it matches
        // (/v1/certificates/verify is POST only, though /v1/certificates/{id} matches it too).
        let uris: [(uri: String, documented: Set<String>)] = Set(Self.operations.map(\.uri)).sorted().map { uri in
            let matching = Self.operations.filter { Self.matches($0.path, uri) }
            let fewest = matching.map { $0.path.count(where: { $0 == "{" }) }.min() ?? 0
            return (uri, Set(matching.filter { $0.path.count(where: { $0 == "{" }) == fewest }.map { $0.method.uppercased() }))
        }
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            for (uri, documented) in uris {
                for method: HTTPRequest.Method in [.get, .post, .put, .delete, .patch, .init("TRACE")!] where !documented.contains(method.rawValue) {
                    try await client.execute(uri: uri, method: method, headers: [.contentType: "application/json"]) { r in
                        #expect(r.status == .methodNotAllowed, "\(method) \(uri)")
                        #expect(r.headers[.allow] == documented.sorted().joined(separator: ", "), "\(method) \(uri)")
                        #expect(ErrorBody(r.body).code == "http.method_not_allowed")
                    }
                }
            }
            // Paths no route has are still 404.
            try await client.execute(uri: "/v1/nothing-here", method: .put) { #expect($0.status == .notFound) }
        }
    }

    /// Whether the path template (`{name}` is one segment) matches the request URI's path.
    static func matches(_ template: String, _ uri: String) -> Bool {
        let t = template.split(separator: "/")
        let u = uri.split(separator: "?").first.map { $0.split(separator: "/") } ?? []
        return t.count == u.count && zip(t, u).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }

    @Test("every /v1/ route documents 429 and answers it, with the Error schema and Retry-After, once the caller's bucket is empty")
    func rateLimited() async throws {
        let s0 = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s0.home) }
        let admin = try s0.services.registry.createToken(role: .admin).token
        let services = GreenmarkServices(
            home: s0.home, tokenizer: ServerTests.tokenizer, registry: s0.services.registry,
            rateLimit: .init(ratePerSecond: 0.001, burst: 1))
        let headers: HTTPFields = [.authorization: "Bearer \(admin)", .contentType: "application/json"]
        try await GreenmarkApplication.make(services: services, port: 0).test(.live) { client in
            try await client.execute(uri: "/v1/trust", method: .get, headers: headers) { #expect($0.status == .ok) }  // empties the bucket
            for op in Self.operations where op.path.hasPrefix("/v1/") {
                #expect(op.responses["429"] != nil, "\(op.method) \(op.path) does not document 429")
                let body = op.example.map { ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: $0)) }
                try await client.execute(uri: op.uri, method: op.method == "get" ? .get : .post, headers: headers, body: body) { r in
                    #expect(r.status == .tooManyRequests, "\(op.method) \(op.path)")
                    #expect(r.headers[.retryAfter] != nil)
                    #expect(ErrorBody(r.body).code == "rate.limited")
                }
            }
        }
    }

    @Test("a revoked token stops working on the next request; an expired one is refused")
    func revocation() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let (id, token) = try s.services.registry.createToken(role: .verify)
        let expired = try s.services.registry.createToken(role: .verify, expiresAt: Date().addingTimeInterval(-1)).token
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            let body = ByteBuffer(string: "{\"text\": \"some words to score here\"}")
            try await client.execute(uri: "/v1/detect", method: .post, headers: [.authorization: "Bearer \(token)"], body: body) {
                #expect($0.status == .ok)
            }
            #expect(try s.services.registry.revokeToken(id: id))
            try await client.execute(uri: "/v1/detect", method: .post, headers: [.authorization: "Bearer \(token)"], body: body) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/detect", method: .post, headers: [.authorization: "Bearer \(expired)"], body: body) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}
