import Foundation
import GreenmarkCertificates
import GreenmarkDocuments
import GreenmarkKeys
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import GreenmarkTestSupport
import Testing

/// Issue #22 in the browser: the essay page picks a `.docx` and a `.pdf` made from a real
/// watermarked generation, sends them to the daemon as documents, shows each verdict with the
/// format its text was extracted from, and certifies the `.docx` with its extracted text.
extension EssayPageBrowserTests {
    @Test(
        "documents: a .docx and a Chromium-printed .pdf of a watermarked essay are picked, both cards are watermarked and name their format; the .docx's certificate verifies offline with the downloaded extracted text",
        .enabled(if: enabled, "needs chromium, chromium-driver and selenium (scripts/bootstrap.sh); always runs when CI is set"))
    func documents() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let stampToken = try s.services.registry.createToken(role: .stamp).token
        let text = try DocumentRouteTests.generate(home: s.home)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-documents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let docx = DocumentFixtures.docx(text)
        let docxFile = dir.appendingPathComponent("essay.docx")
        let pdfFile = dir.appendingPathComponent("essay.pdf")
        try Data(docx).write(to: docxFile)
        try Data(try DocumentFixtures.pdf(text)).write(to: pdfFile)

        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation"], environment: [:], port: port)
        #expect(await daemon.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start: \(daemon.log)")
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let screenshot = Self.artifacts.appendingPathComponent("essay-page-documents.png").path
        let config: [String: Any] = ["base": daemon.baseURL, "token": stampToken, "files": [docxFile.path, pdfFile.path], "screenshot": screenshot]
        let configFile = dir.appendingPathComponent("config.json")
        try JSONSerialization.data(withJSONObject: config).write(to: configFile)

        let run = try await PythonFixture.run("essay_page_documents.py", [configFile.path])
        #expect(run.status == 0, "essay_page_documents.py failed: \(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any], "no JSON: \(run.stderr)")
        #expect((result["accept"] as? String)?.contains(".docx") == true && (result["accept"] as? String)?.contains(".pdf") == true)
        let cards = try #require(result["cards"] as? [[String: Any]])
        #expect(cards.map { $0["name"] as? String ?? "" } == ["essay.docx", "essay.pdf"])
        for (card, format) in zip(cards, ["docx", "pdf"]) {
            #expect(card["verdict"] as? String == "watermarked", "\(card)")
            #expect(card["format"] as? String == format)
            #expect(
                (card["document_note"] as? String)?.contains("Text extracted from a \(format.uppercased()) document (documents-v1") == true, "\(card)"
            )
            #expect(card["certify_button"] as? Bool == true)
        }

        // The certificate names exactly the extracted text the page downloads, which is what greenmark extract gives.
        let certificate = try #require(result["certificate"] as? String)
        let certified = try #require(result["certified_text"] as? String)
        #expect(certified == (try DocumentExtractor().extract(docx, filename: "essay.docx").text))
        let pinned = try Data(contentsOf: URL(fileURLWithPath: s.home + "/trust/root-key.json"))
        let latest = try Data(contentsOf: URL(fileURLWithPath: s.home + "/trust/trusted-root.json"))
        let anchor = try #require(TrustAnchor.load(pinned: Array(pinned), updates: [Array(latest)]).anchor)
        let report = CertificateVerifier(anchor: anchor).verify(certificate: Array(certificate.utf8), text: Array(certified.utf8))
        #expect(report.status == .valid, "\(report.checks.filter { !$0.passed })")
    }
}
