import Foundation
import GreenmarkDocuments
import Testing
import ZIPFoundation

/// LMS exports: Moodle's per-student folders and Canvas's flat files, as a ZIP or a folder; unsafe
/// entries refuse the whole export.
@Suite("Submission archives")
struct SubmissionArchiveTests {
    /// A Moodle-style export of three students, with macOS metadata and a hidden file to skip.
    static func moodle() throws -> [UInt8] {
        try TestZip.make([
            .init("Ada Lovelace_1001_assignsubmission_file_/essay.docx", bytes: try DocumentExtractorTests.fixture("essay.docx")),
            .init("Alan Turing_1002_assignsubmission_file_/essay.pdf", bytes: try DocumentExtractorTests.fixture("essay.pdf")),
            .init("Grace Hopper_1003_assignsubmission_onlinetext_/onlinetext.html", "<p>My answer.</p>"),
            .init("Grace Hopper_1003_assignsubmission_onlinetext_/", "", type: .directory),
            .init("__MACOSX/Ada Lovelace_1001_assignsubmission_file_/._essay.docx", "junk"),
            .init(".DS_Store", "junk"),
        ])
    }

    @Test("a ZIP of three student folders gives three named submissions whose documents read")
    func moodleZip() throws {
        let zip = try Self.moodle()
        #expect(SubmissionArchive.isArchive(zip))
        #expect(!SubmissionArchive.isArchive(try DocumentExtractorTests.fixture("essay.docx")))
        let submissions = try SubmissionArchive().read(zip: zip)
        #expect(submissions.map(\.name) == ["Ada Lovelace_1001", "Alan Turing_1002", "Grace Hopper_1003"])
        #expect(submissions.map(\.path).last == "Grace Hopper_1003_assignsubmission_onlinetext_/onlinetext.html")
        for submission in submissions {
            #expect(submission.error == nil)
            let document = try DocumentExtractor().extract(submission.data, filename: submission.path)
            #expect(!document.text.isEmpty)
        }
    }

    @Test("Canvas's flat names give the student and user id; other names are their own submission")
    func canvasNames() {
        #expect(SubmissionArchive.submissionName(["lovelaceada_1001_5551_essay.docx"]) == "lovelaceada_1001")
        #expect(SubmissionArchive.submissionName(["turingalan_LATE_1002_5552_final_essay.pdf"]) == "turingalan_1002")
        #expect(SubmissionArchive.submissionName(["essay.docx"]) == "essay.docx")
        #expect(SubmissionArchive.submissionName(["Group 4", "draft", "essay.odt"]) == "Group 4")
    }

    @Test(
        "entries that climb out (..), absolute paths and symbolic links refuse the export: input.unsafe_archive",
        arguments: [
            "../evil.txt", "student/../../evil.txt", "/etc/passwd", "C:/Windows/evil.txt", "student\\..\\..\\evil.txt",
        ])
    func unsafePaths(_ path: String) throws {
        let zip = try TestZip.make([.init("ok/essay.txt", "fine"), .init(path, "evil")])
        #expect(throws: DocumentError(.unsafeArchive, "")) { try SubmissionArchive().read(zip: zip) }
    }

    @Test("a symbolic link in a ZIP: input.unsafe_archive")
    func symlinkInZip() throws {
        let zip = try TestZip.make([.init("ok/essay.txt", "fine"), .init("ok/link.txt", "/etc/passwd", type: .symlink)])
        #expect(throws: DocumentError(.unsafeArchive, "")) { try SubmissionArchive().read(zip: zip) }
    }

    @Test("too many entries, too deep, too many bytes: input.too_large; one file too large is that row's error")
    func limits() throws {
        let zip = try Self.moodle()
        #expect(throws: DocumentError(.tooLarge, "")) { try SubmissionArchive(limits: SubmissionLimits(maxEntries: 3)).read(zip: zip) }
        #expect(throws: DocumentError(.tooLarge, "")) { try SubmissionArchive(limits: SubmissionLimits(maxTotalBytes: 20_000)).read(zip: zip) }
        let deep = try TestZip.make([.init("a/b/c/d/e/f/g/h/i/essay.txt", "deep")])
        #expect(throws: DocumentError(.tooLarge, "")) { try SubmissionArchive().read(zip: deep) }
        let rows = try SubmissionArchive(limits: SubmissionLimits(maxFileBytes: 15_000)).read(zip: zip)
        #expect(rows.count == 3)
        #expect(rows.map { $0.error?.code } == [nil, .tooLarge, nil])
    }

    @Test("a folder export reads like the ZIP; a symbolic link in it refuses the walk")
    func folder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("greenmark-doc-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (student, file, ext) in [("Ada Lovelace_1001", "essay", "docx"), ("Alan Turing_1002", "essay", "pdf")] {
            let folder = root.appendingPathComponent("\(student)_assignsubmission_file_")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(try DocumentExtractorTests.fixture("essay.\(ext)")).write(to: folder.appendingPathComponent("\(file).\(ext)"))
        }
        try Data("x".utf8).write(to: root.appendingPathComponent(".hidden"))
        let submissions = try SubmissionArchive().read(folder: root)
        #expect(submissions.map(\.name) == ["Ada Lovelace_1001", "Alan Turing_1002"])
        #expect(submissions.allSatisfy { $0.error == nil && !$0.data.isEmpty })
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("Ada Lovelace_1001_assignsubmission_file_/passwd"),
            withDestinationURL: URL(fileURLWithPath: "/etc/passwd"))
        #expect(throws: DocumentError(.unsafeArchive, "")) { try SubmissionArchive().read(folder: root) }
    }

    @Test("a damaged export: input.extraction_failed")
    func damaged() throws {
        let zip = try Self.moodle()
        #expect(throws: DocumentError(.extractionFailed, "")) { try SubmissionArchive().read(zip: Array(zip.prefix(zip.count - 30))) }
    }
}
