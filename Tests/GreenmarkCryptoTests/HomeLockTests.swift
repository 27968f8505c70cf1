import Foundation
import GreenmarkCrypto
import Synchronization
import Testing

/// `HomeLock`, the home-wide lock: it excludes threads and processes, is released however the
/// body ends, and refuses (rather than deadlocks on) a second acquisition by the same thread.
@Suite("HomeLock")
struct HomeLockTests {
    static func home() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-lock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("16 threads × 25 read-modify-writes of one file under the lock: no update is lost")
    func threadsExclude() throws {
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let counter = home + "/counter"
        try AtomicFileWriter.write(Array("0".utf8), to: counter, access: .secret)
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            for _ in 0..<25 {
                do {
                    try HomeLock(directory: home).withLock { _ in
                        let value = Int(String(decoding: FileManager.default.contents(atPath: counter) ?? Data(), as: UTF8.self)) ?? -1_000_000
                        usleep(100)
                        try AtomicFileWriter.write(Array(String(value + 1).utf8), to: counter, access: .secret)
                    }
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(String(decoding: FileManager.default.contents(atPath: counter) ?? Data(), as: UTF8.self) == "400")
        #expect(try FileManager.default.attributesOfItem(atPath: home + "/" + HomeLock.fileName)[.posixPermissions] as? Int == 0o600)
    }

    @Test("another process holding the lock (flock(1)) makes withLock wait until it lets go")
    func processesExclude() throws {
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") else { return }
        let marker = home + "/holding"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [HomeLock(directory: home).path, "sh", "-c", "touch \(marker); sleep 1; rm \(marker)"]
        try holder.run()
        defer { holder.waitUntilExit() }
        let deadline = Date() + 30
        while !FileManager.default.fileExists(atPath: marker), Date() < deadline { usleep(5_000) }
        try #require(FileManager.default.fileExists(atPath: marker))
        let start = ContinuousClock.now
        // The holder removes the marker before it lets go of the lock.
        let heldByOther = try HomeLock(directory: home).withLock { _ in FileManager.default.fileExists(atPath: marker) }
        let waited = ContinuousClock.now - start
        #expect(!heldByOther, "the lock was taken while flock(1) still held it")
        #expect(waited > .milliseconds(500), "withLock returned after \(waited)")
    }

    @Test("the lock is released when the body throws; a second acquisition on the same thread is refused, not a deadlock")
    func releaseAndReentry() throws {
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        struct Boom: Error {}
        let lock = HomeLock(directory: home)
        #expect(throws: Boom.self) { try lock.withLock { _ in throw Boom() } }
        #expect(try lock.withLock { _ in 42 } == 42)
        // Same home spelled differently: still the same lock file.
        #expect(throws: FileError(.lockAlreadyHeld, "")) {
            try lock.withLock { _ in try HomeLock(directory: home + "/.").withLock { _ in () } }
        }
        // Typed variant: the caller's own error type.
        struct Mine: Error { let code: String }
        do {
            try lock.withLock(orElse: { Mine(code: $0.code.rawValue) }) { _ throws(Mine) in
                try lock.withLock(orElse: { Mine(code: $0.code.rawValue) }) { _ throws(Mine) in () }
            }
            Issue.record("nested acquisition was not refused")
        } catch {
            #expect(error.code == FileError.Code.lockAlreadyHeld.rawValue)
        }
    }

    @Test("check(_:) accepts the held lock of its home only, while it is held, on its thread")
    func check() throws {
        let a = try Self.home()
        let b = try Self.home()
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        try HomeLock(directory: b).withLock { _ in () }  // b's lock file exists
        var escaped: HomeLock.Held?
        try HomeLock(directory: a).withLock { held in
            try HomeLock(directory: a).check(held)
            try HomeLock(directory: a + "/").check(held)
            #expect(throws: FileError(.lockNotHeld, "")) { try HomeLock(directory: b).check(held) }
            let otherThread = Mutex<FileError?>(nil)
            let done = DispatchSemaphore(value: 0)
            Thread {
                do throws(FileError) { try HomeLock(directory: a).check(held) } catch { otherThread.withLock { $0 = error } }
                done.signal()
            }.start()
            done.wait()
            #expect(otherThread.withLock { $0 }?.code == .lockNotHeld)
            escaped = held
        }
        #expect(throws: FileError(.lockNotHeld, "")) { try HomeLock(directory: a).check(escaped!) }
    }
}
