import Foundation
import Testing
import ZIPFoundation

@testable import GreenmarkDocuments

/// `ZipReader`'s own central-directory parser, against archives written by `RawZip` (from the spec)
/// and by ZIPFoundation and Python's zipfile (real tools).
@Suite("ZIP reader (central directory, ZIP64, hostile headers)")
struct ZipReaderTests {
    static let essay = Array("An essay in a ZIP archive, stored as it is.".utf8)

    static func refusal(_ bytes: [UInt8], read path: String = "essay.txt") -> DocumentError.Code? {
        do {
            _ = try ZipReader(bytes, limits: .default).read(path)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("a stored member reads back, in plain and in ZIP64 form; ZIPFoundation's deflated archives too")
    func readsBack() throws {
        for zip64 in [false, true] {
            let bytes = RawZip(members: [.init(name: Array("essay.txt".utf8), data: Self.essay)], zip64: zip64).bytes
            let reader = try ZipReader(bytes, limits: .default)
            #expect(reader.entries.map(\.path) == ["essay.txt"] && reader.entries[0].kind == .file)
            #expect(try reader.read("essay.txt") == Self.essay, "zip64 \(zip64)")
        }
        let text = String(repeating: "a watermark in every line of the long essay ", count: 200)
        let deflated = try TestZip.make([.init("dir/", "", type: .directory), .init("dir/essay.txt", text)])
        let reader = try ZipReader(deflated, limits: .default)
        #expect(reader.entries.map(\.kind) == [.directory, .file])
        #expect(try reader.read("dir/essay.txt") == Array(text.utf8))
    }

    @Test("Python's zipfile writing to a pipe (deflated, data descriptors, a UTF-8 name) reads back", .enabled(if: Self.python != nil))
    func pythonArchive() throws {
        let script = """
            import sys, zipfile
            # Standard output is a pipe: zipfile cannot seek back, so it writes data descriptors.
            with zipfile.ZipFile(sys.stdout.buffer, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("Jos\\u00e9_1_assignsubmission_file_/essay.txt", "Un ensayo, escrito a mano. " * 50)
                with z.open("streamed.txt", "w", force_zip64=True) as member:
                    member.write(b"streamed " * 100)
            """
        let bytes = try Self.run(python: script)
        let reader = try ZipReader(bytes, limits: .default)
        #expect(reader.entries.map(\.path) == ["José_1_assignsubmission_file_/essay.txt", "streamed.txt"])
        #expect(reader.entries.map { $0.flags & 0x0808 } == [0x0808, 0x0008], "sizes in data descriptors; the UTF-8 flag on the non-ASCII name")
        #expect(try reader.read("José_1_assignsubmission_file_/essay.txt") == Array(String(repeating: "Un ensayo, escrito a mano. ", count: 50).utf8))
        #expect(try reader.read("streamed.txt") == Array(String(repeating: "streamed ", count: 100).utf8))
    }

    @Test("names without the UTF-8 flag are code page 437; with it, UTF-8")
    func names() throws {
        let dos = RawZip(members: [.init(name: [0x4A, 0x6F, 0x73, 0x82, 0x2F, 0x61], data: Self.essay)]).bytes
        #expect(try ZipReader(dos, limits: .default).entries.map(\.path) == ["José/a"])
        let utf8 = RawZip(members: [.init(name: Array("Josш/a".utf8), data: Self.essay, flags: 0x0800)]).bytes
        #expect(try ZipReader(utf8, limits: .default).entries.map(\.path) == ["Josш/a"])
    }

    @Test("two directory records sharing one member's data (the overlapping-files bomb): input.too_large")
    func overlappingMembers() {
        let bytes = RawZip(members: [.init(name: Array("essay.txt".utf8), data: Self.essay)], repeatFirst: 1).bytes
        #expect(Self.refusal(bytes) == .tooLarge)
    }

    @Test("hostile sizes and offsets, plain and ZIP64: input.extraction_failed before anything is read")
    func hostileSizes() {
        for zip64 in [false, true] {
            var member = RawZip.Member(name: Array("essay.txt".utf8), data: Self.essay)
            member.statedCompressedSize = zip64 ? UInt64.max - 4 : 0xFFFF_FFF0
            #expect(Self.refusal(RawZip(members: [member], zip64: zip64).bytes) == .extractionFailed, "zip64 \(zip64)")
        }
        // The directory offset, the ZIP64 end record's offset and the locator, each pointed past the data.
        let plain = RawZip(members: [.init(name: Array("essay.txt".utf8), data: Self.essay)]).bytes
        var corrupt = plain
        corrupt.replaceSubrange(corrupt.count - 6..<corrupt.count - 2, with: RawZip.le32(0x7FFF_FFF0))
        #expect(Self.refusal(corrupt) == .extractionFailed)
        let wide = RawZip(members: [.init(name: Array("essay.txt".utf8), data: Self.essay)], zip64: true).bytes
        corrupt = wide
        corrupt.replaceSubrange(corrupt.count - 22 - 12..<corrupt.count - 22 - 4, with: RawZip.le64(UInt64.max))
        #expect(Self.refusal(corrupt) == .extractionFailed)
        corrupt = wide
        corrupt.replaceSubrange(corrupt.count - 22 - 20..<corrupt.count - 22 - 16, with: RawZip.le32(0))
        #expect(Self.refusal(corrupt) == .extractionFailed)
        // Every prefix of a real archive: refused, never a crash.
        for cut in stride(from: 0, to: wide.count, by: 3) {
            #expect(Self.refusal(Array(wide.prefix(cut))) != nil)
        }
    }

    @Test("a wrong checksum, a truncated deflate stream, an unknown method: input.extraction_failed; the encryption flag: input.encrypted")
    func damagedMembers() throws {
        var member = RawZip.Member(name: Array("essay.txt".utf8), data: Self.essay)
        member.crc = 0x1234_5678
        #expect(Self.refusal(RawZip(members: [member]).bytes) == .extractionFailed)
        let raw = try Data(Self.essay + Self.essay).deflated()
        member = RawZip.Member(name: Array("essay.txt".utf8), data: Array(raw.prefix(raw.count / 2)), method: 8)
        #expect(Self.refusal(RawZip(members: [member]).bytes) == .extractionFailed)
        member = RawZip.Member(name: Array("essay.txt".utf8), data: Self.essay, method: 12)
        #expect(Self.refusal(RawZip(members: [member]).bytes) == .extractionFailed)
        member = RawZip.Member(name: Array("essay.txt".utf8), data: Self.essay, flags: 1)
        #expect(Self.refusal(RawZip(members: [member]).bytes) == .encrypted)
    }

    static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func run(python script: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python!)
        process.arguments = ["-c", script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }
}

extension Data {
    /// Raw deflate (no zlib header), through ZIPFoundation.
    fileprivate func deflated() throws -> Data {
        var out = Data()
        _ = try Data.compress(
            size: Int64(count), bufferSize: 4096,
            provider: { position, size in
                self.subdata(in: Int(position)..<Swift.min(count, Int(position) + size))
            }, consumer: { out.append($0) })
        return out
    }
}
