import Foundation
import GreenmarkCrypto
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `AtomicFileWriter`, the one writer of secret and trust files: modes, no temporary file left
/// behind, and a failed write leaves the old file as it was.
@Suite("AtomicFileWriter")
struct AtomicFileWriterTests {
    /// A fresh directory, removed by the caller.
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-writer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static func entries(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test("secret files are 0600, public ones 0644, replacing keeps the mode; nothing else is left in the directory")
    func modes() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFileWriter.write(Array("secret 1".utf8), to: dir + "/keyring.json", access: .secret)
        try AtomicFileWriter.write(Data("public 1".utf8), to: dir + "/trusted-root.json", access: .public)
        #expect(try Self.mode(dir + "/keyring.json") == 0o600)
        #expect(try Self.mode(dir + "/trusted-root.json") == 0o644)
        // Replacing an existing file: new contents, new inode (a rename), same modes.
        let inode = try FileManager.default.attributesOfItem(atPath: dir + "/keyring.json")[.systemFileNumber] as? Int
        try AtomicFileWriter.write(Array("secret 2".utf8), to: dir + "/keyring.json", access: .secret)
        try AtomicFileWriter.write(Data("public 2".utf8), to: dir + "/trusted-root.json", access: .public)
        #expect(FileManager.default.contents(atPath: dir + "/keyring.json") == Data("secret 2".utf8))
        #expect(FileManager.default.contents(atPath: dir + "/trusted-root.json") == Data("public 2".utf8))
        #expect(try FileManager.default.attributesOfItem(atPath: dir + "/keyring.json")[.systemFileNumber] as? Int != inode)
        #expect(try Self.mode(dir + "/keyring.json") == 0o600)
        #expect(try Self.mode(dir + "/trusted-root.json") == 0o644)
        // A public file that was private before becomes public, and the other way round.
        try AtomicFileWriter.write(Data("now public".utf8), to: dir + "/keyring.json", access: .public)
        #expect(try Self.mode(dir + "/keyring.json") == 0o644)
        try AtomicFileWriter.write(Data("now secret".utf8), to: dir + "/keyring.json", access: .secret)
        #expect(try Self.mode(dir + "/keyring.json") == 0o600)
        // An empty file is a file too.
        try AtomicFileWriter.write([UInt8](), to: dir + "/empty.json", access: .secret)
        #expect(FileManager.default.contents(atPath: dir + "/empty.json") == Data())
        #expect(try Self.entries(dir) == ["empty.json", "keyring.json", "trusted-root.json"])
    }

    @Test("refuse: an existing file is never replaced (file.exists), a missing one is created")
    func refuse() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFileWriter.write(Array("first".utf8), to: dir + "/master.key", access: .secret, existing: .refuse)
        #expect(try Self.mode(dir + "/master.key") == 0o600)
        #expect(throws: FileError(.exists, "")) {
            try AtomicFileWriter.write(Array("second".utf8), to: dir + "/master.key", access: .secret, existing: .refuse)
        }
        #expect(FileManager.default.contents(atPath: dir + "/master.key") == Data("first".utf8))
        #expect(try Self.entries(dir) == ["master.key"])
    }

    @Test("a failed write leaves the old target untouched and no temporary file: missing directory, target that cannot be replaced")
    func failureKeepsOld() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: FileError(.writeFailed, "")) {
            try AtomicFileWriter.write(Array("x".utf8), to: dir + "/missing/keyring.json", access: .secret)
        }
        // rename(2) cannot put a file over a non-empty directory: the write fails after the
        // temporary file was written and synced, which must then be gone.
        try FileManager.default.createDirectory(atPath: dir + "/signing.json", withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/signing.json/inside"))
        #expect(throws: FileError(.writeFailed, "")) {
            try AtomicFileWriter.write(Array("new".utf8), to: dir + "/signing.json", access: .secret)
        }
        #expect(FileManager.default.contents(atPath: dir + "/signing.json/inside") == Data("old".utf8))
        #expect(try Self.entries(dir) == ["signing.json"])
    }

    @Test("a full disk: the write fails with file.write_failed, the old file keeps its bytes, no temporary file stays (tmpfs, root only)")
    func fullDisk() throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("gm-writer-full-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mount) }
        guard Self.mount(["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount]) else {
            // Not root, or no CAP_SYS_ADMIN: the two failure paths above still ran.
            return
        }
        defer { _ = Self.run("/bin/umount", [mount]) }
        let old = Data(repeating: 0x41, count: 4096)
        try AtomicFileWriter.write(old, to: mount + "/keyring.json", access: .secret)
        // More than the whole file system: the write loop hits ENOSPC.
        let big = [UInt8](repeating: 0x42, count: 2 << 20)
        #expect(throws: FileError(.writeFailed, "")) {
            try AtomicFileWriter.write(big, to: mount + "/keyring.json", access: .secret)
        }
        #expect(FileManager.default.contents(atPath: mount + "/keyring.json") == old)
        #expect(try Self.entries(mount) == ["keyring.json"])
        // Space is back once the temporary file is gone: a write of the same size as before works.
        try AtomicFileWriter.write(Data(repeating: 0x43, count: 4096), to: mount + "/keyring.json", access: .secret)
    }

    @Test("64 threads writing one file at once: every write succeeds, the result is one whole write, no temporary file stays")
    func concurrentWriters() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/trusted-root.json"
        let payloads = (0..<64).map { i in Data(String(repeating: "writer \(i) ", count: 2000).utf8) }
        let failures = await withTaskGroup(of: Int.self) { group in
            for payload in payloads {
                group.addTask {
                    do {
                        try AtomicFileWriter.write(payload, to: target, access: .public)
                        return 0
                    } catch { return 1 }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
        #expect(payloads.contains(FileManager.default.contents(atPath: target) ?? Data()))
        #expect(try Self.entries(dir) == ["trusted-root.json"])
    }

    static func mount(_ arguments: [String]) -> Bool { run("/bin/mount", arguments) }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
