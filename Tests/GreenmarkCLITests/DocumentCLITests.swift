import Foundation
import GreenmarkTestSupport
import Testing

/// Issue #22 end to end through the real `greenmark` process: a real watermarked generation handed
/// in as a Word document and as a PDF printed by headless Chromium, an LMS export of three student
/// folders, a certificate for a `.docx` verified with the document and with its extracted text,
/// and hostile files refused with their own codes.
@Suite("greenmark detect / certify / verify / extract on documents (real process)", .serialized)
struct DocumentCLITests {
    /// A scratch folder, removed by the caller.
    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-docs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A real watermarked essay from the model under `home`'s key (the next seed while the answer
    /// is too short to score: `CLIProcess.generateScorable`).
    static func generate(home: String, seed: Int = 22) throws -> String {
        let gen = try CLIProcess.generateScorable(
            ["--home", home, "--max-tokens", "220", "--prompt", "Write a short essay about why rivers matter to cities."],
            detect: ["--home", home], seed: seed)
        #expect(gen.status == 0, "\(gen.stderr)")
        return gen.stdout
    }

    static func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    static func json(_ output: CLIProcess.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], "\(output.stdout) \(output.stderr)")
    }

    @Test(
        "a watermarked essay as .docx and as a Chromium-printed .pdf detects as watermarked; the JSON names the format and the extraction version; a folder of the three scores three rows"
    )
    func watermarkedDocuments() throws {
        let home = try TemporaryHome()
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try Self.generate(home: home.path)
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/essay.txt"))
        try Self.write(DocumentFixtures.docx(text), dir + "/essay.docx")
        try Self.write(try DocumentFixtures.pdf(text), dir + "/essay.pdf")

        var z: [String: Double] = [:]
        for name in ["essay.txt", "essay.docx", "essay.pdf"] {
            let r = try CLIProcess.run(["detect", "--home", home.path, "--json", "--no-mask", dir + "/" + name])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let body = try Self.json(r)
            #expect(body["verdict"] as? String == "watermarked", "\(name): \(body)")
            let document = try #require(body["document"] as? [String: Any], "\(name)")
            let format = (name as NSString).pathExtension
            #expect(document["format"] as? String == format)
            if format == "txt" {
                #expect(document["extraction"] == nil, "plain text is read as is")
            } else {
                #expect((document["extraction"] as? String)?.hasPrefix("documents-v1+") == true, "\(document)")
            }
            z[format] = body["z_score"] as? Double
        }
        print("z of one watermarked essay: txt \(z["txt"] ?? .nan), docx \(z["docx"] ?? .nan), pdf \(z["pdf"] ?? .nan)")

        // Plain words say where the text came from.
        let plain = try CLIProcess.run(["detect", "--home", home.path, dir + "/essay.docx"])
        #expect(plain.stdout.hasPrefix("Text extracted from \(dir)/essay.docx (docx, documents-v1"), "\(plain.stdout)")
        #expect(plain.stdout.contains("Verdict: very likely generated"))

        // A folder of documents: one row each, the format in the CSV; a file of another kind is left out with a note.
        try Data([0xFF, 0xD8, 0xFF, 0xE0]).write(to: URL(fileURLWithPath: dir + "/photo.jpg"))
        let csv = dir + "/report.csv"
        let batch = try CLIProcess.run(["detect", "--home", home.path, dir, "--csv", csv])
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(batch.stdout.contains("Scored 3 of 3 files:") && batch.stdout.contains("3 very likely generated"), "\(batch.stdout)")
        #expect(batch.stderr.contains("1 other files left out") && batch.stderr.contains("photo.jpg"))
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\r\n").map(String.init)
        #expect(rows.first?.hasSuffix(",error,submission,format,extraction") == true)
        #expect(rows.count == 4)
        #expect(rows.contains { $0.contains("essay.pdf") && $0.contains(",watermarked,") && $0.contains(",pdf,documents-v1+") })
    }

    /// A Moodle-style export: three per-student folders (a .docx, a .pdf, an .html), with the
    /// metadata a Mac adds; one student's essay is the watermarked generation.
    static func export(text: String, human: String) throws -> [StoredZip.Entry] {
        [
            .init("Ada Lovelace_1001_assignsubmission_file_/essay.docx", DocumentFixtures.docx(text)),
            .init("Alan Turing_1002_assignsubmission_file_/essay.pdf", try DocumentFixtures.pdf(human)),
            .init("Grace Hopper_1003_assignsubmission_onlinetext_/onlinetext.html", DocumentFixtures.html(human, title: "Online text")),
            .init("__MACOSX/Ada Lovelace_1001_assignsubmission_file_/._essay.docx", [0, 5, 22, 7]),
            .init(".DS_Store", [0, 0, 0, 1]),
        ]
    }

    @Test("an LMS export of three student folders, as a .zip and as a folder: three rows named by submission, progress bar, CSV and HTML")
    func lmsExport() throws {
        let home = try TemporaryHome()
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try Self.generate(home: home.path)
        let human = String(repeating: try String(contentsOfFile: CLIProcess.fixture("two-cities.txt"), encoding: .utf8) + "\n\n", count: 2)
        let entries = try Self.export(text: text, human: human)
        try Self.write(StoredZip.make(entries), dir + "/submissions.zip")
        // The same export unpacked into a folder.
        for entry in entries {
            let path = dir + "/unpacked/" + entry.path
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Self.write(entry.bytes, path)
        }
        for input in [dir + "/submissions.zip", dir + "/unpacked"] {
            let csv = dir + "/report.csv"
            let html = dir + "/report.html"
            let r = try CLIProcess.run(["detect", "--home", home.path, input, "--csv", csv, "--report", html])
            #expect(r.status == 0, "\(input): \(r.stderr)")
            #expect(r.stderr.contains("detect [") && r.stderr.contains("3/3"), "\(r.stderr)")
            #expect(r.stdout.contains("Scored 3 of 3 files:") && r.stdout.contains("1 very likely generated"), "\(r.stdout)")
            for student in ["Ada Lovelace_1001 / essay.docx", "Alan Turing_1002 / essay.pdf", "Grace Hopper_1003 / onlinetext.html"] {
                #expect(r.stdout.contains(student), "\(student) in \(r.stdout)")
            }
            let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\r\n").map(String.init)
            #expect(rows.count == 4, "\(rows)")
            #expect(rows.contains { $0.contains("Ada Lovelace") && $0.contains(",watermarked,") && $0.contains(",docx,") })
            #expect(rows.contains { $0.contains("Alan Turing") && $0.contains(",no_watermark,") && $0.contains(",pdf,") })
            #expect(rows.contains { $0.contains("Grace Hopper") && $0.contains(",html,") })
            let report = try String(contentsOfFile: html, encoding: .utf8)
            #expect(report.contains("Ada Lovelace_1001 / essay.docx") && report.contains("Text extracted from docx"))
        }
        // --json: one row per submission with its name, format and extraction version.
        let j = try CLIProcess.run(["detect", "--home", home.path, "--json", dir + "/submissions.zip"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [[String: Any]], "\(j.stderr)")
        #expect(rows.map { $0["submission"] as? String ?? "" } == ["Ada Lovelace_1001", "Alan Turing_1002", "Grace Hopper_1003"])
        #expect(rows.map { $0["format"] as? String ?? "" } == ["docx", "pdf", "html"])
    }

    @Test(
        "certify a .docx: the certificate names the extracted text; verify accepts the .docx and the extracted text and says which; another document fails"
    )
    func certifyDocument() throws {
        let home = try TemporaryHome()
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLIProcess.run(["trust", "init", "--home", home.path]).status == 0)
        let text = try Self.generate(home: home.path)
        let docx = dir + "/report.docx"
        try Self.write(DocumentFixtures.docx(text), docx)
        let cert = dir + "/report.cert.json"
        let certify = try CLIProcess.run(["certify", docx, "-o", cert, "--home", home.path])
        #expect(certify.status == 0, "\(certify.stderr)")
        #expect(certify.stderr.contains("about the text extracted from \(docx) (docx, documents-v1"), "\(certify.stderr)")

        // extract prints exactly the text scored and certified.
        let extracted = dir + "/report.txt"
        let ex = try CLIProcess.run(["extract", docx, "-o", extracted])
        #expect(ex.status == 0, "\(ex.stderr)")
        let out = try CLIProcess.run(["extract", docx])
        #expect(out.stdout == (try String(contentsOfFile: extracted, encoding: .utf8)))
        #expect(out.stdout.contains(DocumentFixtures.paragraphs(text)[0]))
        let exJSON = try Self.json(try CLIProcess.run(["extract", "--json", docx]))
        #expect(exJSON["format"] as? String == "docx" && exJSON["text"] as? String == out.stdout)

        let trust = ["--trust", home.path + "/trust/root-key.json", "--trust-update", home.path + "/trust/trusted-root.json"]
        let withDocument = try CLIProcess.run(["verify", cert, "--text", docx] + trust)
        #expect(withDocument.status == 0, "\(withDocument.stdout)")
        #expect(withDocument.stdout.contains("text: extracted from report.docx (docx, documents-v1"), "\(withDocument.stdout)")
        let withText = try CLIProcess.run(["verify", cert, "--text", extracted, "--json"] + trust)
        #expect(withText.status == 0, "\(withText.stdout)")
        #expect(try Self.json(withText)["text_source"] as? String == "report.txt as is")

        // The same words in another document are not the certified text.
        let other = dir + "/other.docx"
        try Self.write(DocumentFixtures.docx(text + "\n\nOne more paragraph added after certification."), other)
        let mismatch = try CLIProcess.run(["verify", cert, "--text", other] + trust)
        #expect(mismatch.status == 1 && mismatch.stdout.contains("text.digest.mismatch"), "\(mismatch.stdout)")

        // A bundle carries the extracted text and verifies with the document too.
        let bundle = dir + "/report.bundle.json"
        #expect(try CLIProcess.run(["certify", docx, "--bundle", "-o", bundle, "--home", home.path]).status == 0)
        let b = try CLIProcess.run(["verify", bundle, "--text", docx, "--trust", home.path + "/trust/root-key.json"])
        #expect(b.status == 0 && b.stdout.contains("text: extracted from report.docx"), "\(b.stdout)")
    }

    @Test("hostile and unreadable documents: a specific code, a clear message and a non-zero exit; in a batch, an error row")
    func hostileDocuments() throws {
        let home = try TemporaryHome()
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64)
        let good = DocumentFixtures.docx("A paragraph.\n\nAnother one.")
        let xxe = StoredZip.make([
            .init("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"),
            .init(
                "word/document.xml",
                """
                <?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>
                """),
        ])
        let cases: [(name: String, bytes: [UInt8], code: String)] = [
            ("picture.docx", png, "input.unsupported_format"),
            ("truncated.docx", Array(good.prefix(good.count / 2)), "input.extraction_failed"),
            ("entities.docx", xxe, "input.unsafe_xml"),
            ("fake.pdf", Array("%PDF-1.7\n this is not a PDF at all".utf8), "input.extraction_failed"),
        ]
        for c in cases {
            let path = dir + "/" + c.name
            try Self.write(c.bytes, path)
            let r = try CLIProcess.run(["detect", "--home", home.path, path])
            #expect(r.status == 1, "\(c.name): \(r.stdout)")
            #expect(r.stderr.hasPrefix("greenmark: error: ") && r.stderr.contains("[\(c.code)]"), "\(c.name): \(r.stderr)")
            #expect(r.stdout.isEmpty)
            let e = try CLIProcess.run(["extract", path])
            #expect(e.status == 1 && e.stderr.contains("[\(c.code)]"), "\(c.name): \(e.stderr)")
        }
        // In a batch each becomes an error row with its code, beside a good document.
        try Self.write(DocumentFixtures.docx(try String(contentsOfFile: CLIProcess.fixture("two-cities.txt"), encoding: .utf8)), dir + "/good.docx")
        let csv = dir + "/report.csv"
        let batch = try CLIProcess.run(["detect", "--home", home.path, dir, "--csv", csv])
        #expect(batch.status == 1 && batch.stderr.contains("4 of 5 files could not be scored"), "\(batch.stderr)")
        let rows = try String(contentsOfFile: csv, encoding: .utf8)
        for c in cases { #expect(rows.contains(c.name) && rows.contains(c.code), "\(c.name)") }
    }
}
