import Foundation
import Testing

/// `POST /v1/certificates/verify` verifies the exact bytes it received (#17): the certificate as
/// the file's text in a JSON string, or as a JSON object whose byte span is passed on unchanged,
/// and it answers what `greenmark verify` answers on the same file (check for check). The request
/// body itself may not repeat a member name. Against the real greenmarkd and the real CLI.
@Suite("/v1/certificates/verify verifies the bytes it received (real greenmarkd and greenmark)", .serialized)
struct VerifyExactBytesTests {
    static var cli: URL { DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("greenmark") }

    /// `greenmark verify --json` on `certificate` and `text` with the home's published trust files:
    /// the exit status and the (code, passed) list.
    static func cliVerify(home: String, certificate: [UInt8], text: String) throws -> (Int32, [String]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-verify-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(certificate).write(to: URL(fileURLWithPath: dir + "/cert.json"))
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/text.txt"))
        let versions = try FileManager.default.contentsOfDirectory(atPath: home + "/trust").filter { $0.hasPrefix("trusted-root-v") }.map {
            home + "/trust/" + $0
        }
        let p = Process()
        p.executableURL = cli
        p.arguments =
            ["verify", dir + "/cert.json", "--text", dir + "/text.txt", "--trust", home + "/trust/root-key.json", "--json", "--trust-update"]
            + versions
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, checks((try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]))
    }

    static func checks(_ report: [String: Any]) -> [String] {
        ((report["checks"] as? [[String: Any]]) ?? []).map { "\($0["code"] as? String ?? "?")=\($0["passed"] as? Bool == true)" }
    }

    static func json(_ string: String) -> [UInt8] { Array(try! JSONEncoder().encode(string)) }

    /// A request body: `{"certificate": <certificate JSON as given>, "text": "<text>"}`.
    static func body(certificate: [UInt8], text: String) -> [UInt8] {
        Array(#"{"certificate":"#.utf8) + certificate + Array(#","text":"#.utf8) + json(text) + [UInt8(ascii: "}")]
    }

    @Test(
        "string and object forms verify the exact file; a repeated payload, an extra member, reordered or re-spaced bytes get the CLI's answer; repeated request members and malformed bodies are 400 with a code"
    )
    func exactBytes() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation"], environment: [:], port: port)
        #expect(await daemon.waitUntilReady(), "greenmarkd did not start: \(daemon.log)")
        let issued = try await HTTP.request("POST", daemon.baseURL + "/v1/certificates", token: s.issuer, json: ["text": ServerTests.human])
        #expect(issued.0 == 201)
        let id = try #require(issued.1["id"] as? String)
        let (status, stored) = try await HTTP.data(daemon.baseURL + "/v1/certificates/" + id, token: s.reader)
        #expect(status == 200)
        let file = Array(stored)
        let text = ServerTests.human

        func verify(_ body: [UInt8]) throws -> RawHTTP.Response {
            try RawHTTP.send(port: port, method: "POST", target: "/v1/certificates/verify", token: s.reader, body: body)
        }
        /// Both forms give the CLI's status and checks on `certificate`.
        func expectSameAsCLI(_ certificate: [UInt8], _ what: String, valid: Bool, failing: String? = nil) throws {
            let (exit, cliChecks) = try Self.cliVerify(home: s.home, certificate: certificate, text: text)
            #expect(exit == (valid ? 0 : 1), "\(what): greenmark verify exited \(exit)")
            if let failing { #expect(cliChecks.contains("\(failing)=false"), "\(what): CLI \(cliChecks)") }
            let forms: [(String, [UInt8])] =
                [("string", Self.body(certificate: Self.json(String(decoding: certificate, as: UTF8.self)), text: text))]
                + (StrictObject.looksLikeObject(certificate) ? [("object", Self.body(certificate: certificate, text: text))] : [])
            for (form, body) in forms {
                let r = try verify(body)
                #expect(r.status == 200, "\(what) (\(form)): \(r.status) \(r.text)")
                #expect(r.json["status"] as? String == (valid ? "valid" : "invalid"), "\(what) (\(form)): \(r.text)")
                #expect(Self.checks(r.json) == cliChecks, "\(what) (\(form)): route \(Self.checks(r.json)) vs CLI \(cliChecks)")
            }
        }

        try expectSameAsCLI(file, "the stored file", valid: true)
        // The certificate file's text with the newline trimmed, and compact: still the same certificate.
        let compact = Array(try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(file)), options: [.sortedKeys]))
        try expectSameAsCLI(compact, "a compact re-serialization", valid: true)

        // A repeated payload member: JSONDecoder keeps one of them, so the old route (decode, then
        // re-encode) called this valid; the bytes are not a valid certificate.
        let fileText = String(decoding: file, as: UTF8.self)
        let repeated = Array(
            fileText.replacingOccurrences(of: "{", with: #"{"payload":"eyJmb3JnZWQiOnRydWV9","#, options: [], range: fileText.range(of: "{")).utf8)
        try expectSameAsCLI(repeated, "a repeated payload member", valid: false, failing: "format.invalid")
        let extra = Array(fileText.replacingOccurrences(of: "{", with: #"{"extra":1,"#, options: [], range: fileText.range(of: "{")).utf8)
        try expectSameAsCLI(extra, "an extra member", valid: false, failing: "format.invalid")
        // A float where the profile wants integers, inside the object: the verifier sees it too.
        let withFloat = Array(fileText.replacingOccurrences(of: "{", with: #"{"extra":1.5,"#, options: [], range: fileText.range(of: "{")).utf8)
        try expectSameAsCLI(withFloat, "a float member", valid: false, failing: "format.invalid")

        // The request body: repeated members (also spelled with escapes), malformed values.
        let cert = Self.json(fileText)
        let refusals: [(String, [UInt8], String)] = [
            (
                "certificate twice",
                Array(#"{"certificate":"#.utf8) + cert + Array(#","certificate":"#.utf8) + cert + Array(#","text":"#.utf8) + Self.json(text) + [125],
                "input.duplicate_member"
            ),
            (
                "text twice, one escaped",
                Array(#"{"certificate":"#.utf8) + cert + Array(#","text":"a","te\u0078t":"#.utf8) + Self.json(text) + [125], "input.duplicate_member"
            ),
            (
                "a repeat inside another member",
                Array(#"{"x":{"a":1,"a":2},"certificate":"#.utf8) + cert + Array(#","text":"#.utf8) + Self.json(text) + [125],
                "input.duplicate_member"
            ),
            ("certificate a number", Array(#"{"certificate":12,"text":"x"}"#.utf8), "input.invalid_json"),
            ("certificate null", Array(#"{"certificate":null,"text":"x"}"#.utf8), "input.invalid_json"),
            ("no text", Array(#"{"certificate":"#.utf8) + cert + [125], "input.text_or_document"),
            ("text not a string", Array(#"{"certificate":"#.utf8) + cert + Array(#","text":["x"]}"#.utf8), "input.invalid_json"),
            ("a lone surrogate in the text", Array(#"{"certificate":"#.utf8) + cert + Array(#","text":"\ud800"}"#.utf8), "input.invalid_json"),
            ("not UTF-8", Array(#"{"certificate":"#.utf8) + cert + Array(#","text":""#.utf8) + [0xff, 0x22, 125], "input.invalid_json"),
            ("text after the object", Self.body(certificate: cert, text: text) + Array(" {}".utf8), "input.invalid_json"),
            ("an array", Array("[1,2]".utf8), "input.invalid_json"),
            (
                "nested 100 deep",
                Array(#"{"x":"#.utf8) + [UInt8](repeating: 91, count: 100) + [UInt8](repeating: 93, count: 100) + Array(#","certificate":"#.utf8)
                    + cert + Array(#","text":"x"}"#.utf8), "input.invalid_json"
            ),
            ("truncated", Array(Self.body(certificate: cert, text: text).dropLast(3)), "input.invalid_json"),
            ("empty", [], "input.invalid_json"),
        ]
        for (what, body, code) in refusals {
            let r = try verify(body)
            #expect(r.status == 400 && ErrorBody(r.json).code == code, "\(what): \(r.status) \(r.text)")
        }
        // Unknown members are ignored, as everywhere in the API.
        let r = try verify(Array(#"{"note":{"a":[1,2,{"b":null}]},"certificate":"#.utf8) + cert + Array(#","text":"#.utf8) + Self.json(text) + [125])
        #expect(r.status == 200 && r.json["status"] as? String == "valid", "\(r.text)")
        // Too large for the route: 413.
        let big = try verify(Array(#"{"certificate":""#.utf8) + [UInt8](repeating: 97, count: 5 << 20) + Array(#"","text":"x"}"#.utf8))
        #expect(big.status == 413 && ErrorBody(big.json).code == "input.too_large")
        daemon.terminate()
        #expect(await daemon.waitForExit() == 0)
    }
}

/// Whether bytes start (after whitespace) with `{`.
enum StrictObject {
    static func looksLikeObject(_ bytes: [UInt8]) -> Bool { bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "{") }
}
