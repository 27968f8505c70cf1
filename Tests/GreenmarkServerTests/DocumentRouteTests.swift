import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkKeys
import GreenmarkModel
import GreenmarkServer
import GreenmarkTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #22 on the live daemon (loopback): `/v1/detect` and `/v1/certificates` take a
/// `document` instead of `text`; a real watermarked generation sent as a `.docx` and as a PDF
/// printed by headless Chromium detects as watermarked, a certificate for the `.docx` names the
/// extracted text, and every refusal has its status and code (docs/daemon.md, "Documents").
@Suite("greenmarkd reads documents on /v1/detect and /v1/certificates (live server on loopback)", .serialized)
struct DocumentRouteTests {
    /// A real watermarked essay from the model under the home's primary key (`ServerTests.watermarkedEssay`:
    /// the next seed while the fresh key's essay is too short to show the watermark).
    static func generate(home: String) throws -> String {
        let key = try KeyringStore(directory: home).load().primary()
        return try ServerTests.watermarkedEssay(model: try LlamaModel(path: ModelLocator.resolve()), key: key)
    }

    static func document(_ name: String, _ bytes: [UInt8]) -> [String: Any] {
        ["document": ["filename": name, "content_base64": Data(bytes).base64EncodedString()]]
    }

    static func body(_ object: [String: Any]) -> ByteBuffer { ByteBuffer(bytes: encoded(object)) }

    static func encoded(_ object: [String: Any]) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: object)) }

    static func parse(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }

    static func auth(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    @Test(
        "a watermarked essay as .docx, as a Chromium-printed PDF and as .txt detects as watermarked with its format; a .docx certificate names the extracted text and verifies offline and on the daemon"
    )
    func documents() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let text = try Self.generate(home: s.home)
        let docx = DocumentFixtures.docx(text)
        let pdf = try DocumentFixtures.pdf(text)
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            var zText = 0.0
            try await client.execute(uri: "/v1/detect", method: .post, headers: Self.auth(s.reader), body: Self.body(["text": text])) { r in
                #expect(r.status == .ok)
                let body = Self.parse(r.body)
                zText = body["z_score"] as? Double ?? 0
                #expect(body["document"] == nil, "no document member for text")
            }
            for (name, bytes, format) in [("essay.docx", docx, "docx"), ("essay.pdf", pdf, "pdf"), ("essay.txt", Array(text.utf8), "txt")] {
                try await client.execute(
                    uri: "/v1/detect", method: .post, headers: Self.auth(s.reader), body: Self.body(Self.document(name, bytes))
                ) { r in
                    #expect(r.status == .ok, "\(name): \(String(buffer: r.body))")
                    let body = Self.parse(r.body)
                    #expect(body["verdict"] as? String == "watermarked", "\(name): \(body)")
                    let document = body["document"] as? [String: Any] ?? [:]
                    #expect(document["format"] as? String == format && document["filename"] as? String == name)
                    if format == "txt" {
                        #expect(document["extraction"] == nil && document["text"] as? String == text)
                        #expect(body["z_score"] as? Double == zText, "a .txt document is the text as is")
                    } else {
                        #expect((document["extraction"] as? String)?.hasPrefix("documents-v1+") == true)
                    }
                    print("document route: \(name) z \(body["z_score"] as? Double ?? .nan) (as text \(zText))")
                }
            }

            // A certificate for the .docx names the digest of exactly the extracted text it returns.
            let issued: [String: Any] = try await client.execute(
                uri: "/v1/certificates", method: .post, headers: Self.auth(s.issuer), body: Self.body(Self.document("report.docx", docx))
            ) { r in
                #expect(r.status == .created, "\(String(buffer: r.body))")
                return Self.parse(r.body)
            }
            let document = try #require(issued["document"] as? [String: Any])
            let extracted = try #require(document["text"] as? String)
            #expect(document["format"] as? String == "docx")
            let certificate = try #require(issued["certificate"] as? [String: Any])
            let file = try JSONSerialization.data(withJSONObject: certificate)
            let pinned = try Data(contentsOf: URL(fileURLWithPath: s.home + "/trust/root-key.json"))
            let latest = try Data(contentsOf: URL(fileURLWithPath: s.home + "/trust/trusted-root.json"))
            let anchor = try #require(TrustAnchor.load(pinned: Array(pinned), updates: [Array(latest)]).anchor)
            let report = CertificateVerifier(anchor: anchor).verify(certificate: Array(file), text: Array(extracted.utf8))
            #expect(report.status == .valid, "\(report.checks.filter { !$0.passed })")
            try await client.execute(
                uri: "/v1/certificates/verify", method: .post, headers: Self.auth(s.reader),
                body: Self.body(["certificate": certificate, "text": extracted])
            ) { r in
                #expect(Self.parse(r.body)["status"] as? String == "valid", "\(String(buffer: r.body))")
            }
            // The daemon's verifier takes the document too, and names what it read.
            var withDocument = Self.document("report.docx", docx)
            withDocument["certificate"] = certificate
            try await client.execute(
                uri: "/v1/certificates/verify", method: .post, headers: Self.auth(s.reader), body: Self.body(withDocument)
            ) { r in
                let body = Self.parse(r.body)
                #expect(body["status"] as? String == "valid", "\(String(buffer: r.body))")
                #expect((body["document"] as? [String: Any])?["format"] as? String == "docx")
            }
            var edited = Self.document("report.docx", DocumentFixtures.docx(text + "\n\nA paragraph added later."))
            edited["certificate"] = certificate
            try await client.execute(uri: "/v1/certificates/verify", method: .post, headers: Self.auth(s.reader), body: Self.body(edited)) { r in
                let body = Self.parse(r.body)
                #expect(body["status"] as? String == "invalid")
                #expect((body["checks"] as? [[String: Any]])?.contains { $0["code"] as? String == "text.digest.mismatch" } == true)
            }
            withDocument["text"] = extracted
            try await client.execute(
                uri: "/v1/certificates/verify", method: .post, headers: Self.auth(s.reader), body: Self.body(withDocument)
            ) { r in
                #expect(r.status == .badRequest)
                #expect(ErrorBody(r.body).code == "input.text_or_document")
            }
        }
    }

    @Test(
        "refusals: text and document together or neither 400, bad base64 400, an image 415, over 10 MiB 413 before decoding, damaged 422, XML entities 422; the daemon keeps answering"
    )
    func refusals() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let good = DocumentFixtures.docx("A paragraph of an essay.\n\nAnother paragraph of it.")
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64)
        let entities = StoredZip.make([
            .init("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"),
            .init(
                "word/document.xml",
                "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
            ),
        ])
        // 10 MiB and one byte of base64 content: refused on its length, never decoded (it is not even valid base64).
        let oversized = String(repeating: "A", count: (10 << 20) / 3 * 4 + 8)
        let cases: [(String, [UInt8], HTTPResponse.Status, String)] = [
            ("both", Self.encoded(["text": "An essay."].merging(Self.document("e.docx", good)) { $1 }), .badRequest, "input.text_or_document"),
            ("neither", Self.encoded(["include_mask": false]), .badRequest, "input.text_or_document"),
            ("bad base64", Self.encoded(["document": ["filename": "e.docx", "content_base64": "not base64!"]]), .badRequest, "input.invalid_upload"),
            ("image", Self.encoded(Self.document("photo.docx", png)), .unsupportedMediaType, "input.unsupported_format"),
            ("oversized", Self.encoded(["document": ["filename": "big.pdf", "content_base64": oversized]]), .contentTooLarge, "input.too_large"),
            ("damaged", Self.encoded(Self.document("e.docx", Array(good.prefix(good.count / 2)))), .unprocessableContent, "input.extraction_failed"),
            ("entities", Self.encoded(Self.document("e.docx", entities)), .unprocessableContent, "input.unsafe_xml"),
        ]
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            for route in ["/v1/detect", "/v1/certificates"] {
                for (label, request, status, code) in cases {
                    try await client.execute(uri: route, method: .post, headers: Self.auth(s.issuer), body: ByteBuffer(bytes: request)) { r in
                        #expect(r.status == status, "\(route) \(label): \(String(buffer: r.body))")
                        #expect(ErrorBody(r.body).code == code, "\(route) \(label)")
                    }
                }
            }
            // Without a document a body stays limited to 4 MiB.
            let long = String(repeating: "word ", count: (4 << 20) / 5 + 10)
            try await client.execute(uri: "/v1/detect", method: .post, headers: Self.auth(s.reader), body: Self.body(["text": long])) { r in
                #expect(r.status == .contentTooLarge)
                #expect(ErrorBody(r.body).code == "input.too_large")
            }
            // A body over the document limit is refused while it is read.
            let huge = ByteBuffer(bytes: [UInt8](repeating: 0x20, count: 14 << 20))
            try await client.execute(uri: "/v1/detect", method: .post, headers: Self.auth(s.reader), body: huge) { r in
                #expect(r.status == .contentTooLarge)
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: Self.auth(s.reader), body: Self.body(Self.document("e.docx", good))
            ) { r in
                #expect(r.status == .ok)
                #expect((Self.parse(r.body)["document"] as? [String: Any])?["format"] as? String == "docx")
            }
        }
    }
}
