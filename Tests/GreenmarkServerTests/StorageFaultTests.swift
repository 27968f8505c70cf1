import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkKeys
import GreenmarkModel
import GreenmarkStorage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `greenmarkd` on a read-only file system and on a full disk: clear errors with stable
/// codes, no corruption, and recovery once the fault is gone. Needs root to mount (a tmpfs that
/// fills up, a read-only bind mount); elsewhere the suite is reported as skipped with that reason.
@Suite(
    "greenmarkd storage faults (read-only file system, full disk)", .serialized,
    .enabled(if: Mounts.available, "needs root with CAP_SYS_ADMIN to mount a tmpfs and a read-only bind mount"))
struct StorageFaultTests {
    /// A Greenmark home with a keyring, signing keys, a registry (closed again) and a stamp token.
    static func makeHome(_ home: String) throws -> String {
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let ring = try KeyringStore(directory: home).initialize(scheme: .leftHash, vocabulary: ServerTests.tokenizer.vocabularyID)
        try SigningKeyStore(directory: home).initialize(watermarkKeys: ring.keys)
        return try Registry(path: home + "/registry.sqlite").createToken(role: .stamp, permissions: [.inspect]).token
    }

    static func start(home: String) throws -> DaemonProcess {
        let port = DaemonProcess.freePort()
        return try DaemonProcess(arguments: ["serve", "--home", home, "--port", String(port), "--no-generation"], environment: [:], port: port)
    }

    @Test("read-only file system: greenmarkd refuses to start with storage.open_failed; the data is intact and it starts once writable")
    func readOnlyFileSystem() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-readonly-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let token = try Self.makeHome(home)

        // One acknowledged certificate, then a clean stop.
        let first = try Self.start(home: home)
        #expect(await first.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start: \(first.log)")
        let (status, body) = try await HTTP.request("POST", first.baseURL + "/v1/certificates", token: token, json: ["text": ServerTests.human])
        #expect(status == 201)
        let id = try #require(body["id"] as? String)
        first.terminate()
        #expect(await first.waitForExit() == 0)

        // A connection kept open across the mount keeps the WAL and shared-memory files in place, as
        // an unclean close would: SQLite then opens and reads the database on the read-only file
        // system, and only a write shows it is read-only. The daemon must still refuse to start.
        let holder = try Registry(path: home + "/registry.sqlite")
        #expect(try holder.certificateCount() == 1)
        #expect(FileManager.default.fileExists(atPath: home + "/registry.sqlite-wal"))
        try #require(Mounts.readOnly(home), "cannot bind-mount \(home) read-only")
        var mounted = true
        defer { if mounted { Mounts.unmount(home) } }
        #expect(FileManager.default.createFile(atPath: home + "/probe", contents: Data()) == false, "the bind mount is writable")

        let refused = try Self.start(home: home)
        let exit = await refused.waitForExit(timeout: .seconds(120))
        #expect(exit == 1, "exit status \(exit.map(String.init) ?? "none (still running)"); log: \(refused.log)")
        #expect(refused.log.contains("storage.open_failed"), "log: \(refused.log)")
        #expect(refused.log.contains("cannot open the registry"), "log: \(refused.log)")
        withExtendedLifetime(holder) {}

        Mounts.unmount(home)
        mounted = false
        let registry = try Registry(path: home + "/registry.sqlite")
        #expect(try registry.integrityCheck())
        #expect(try registry.certificate(id: id) != nil)
        #expect(try registry.certificateCount() == 1)

        let again = try Self.start(home: home)
        #expect(await again.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start once writable: \(again.log)")
        again.terminate()
        #expect(await again.waitForExit() == 0)
    }

    @Test("full disk: certificates get 503 storage.write_failed, reads still work, nothing acknowledged is lost, writes resume once space is freed")
    func fullDisk() async throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("gm-fulldisk-\(UUID().uuidString)").path
        try #require(Mounts.tmpfs(at: mount, bytes: 8 << 20), "cannot mount an 8 MiB tmpfs at \(mount)")
        defer {
            Mounts.unmount(mount)
            try? FileManager.default.removeItem(atPath: mount)
        }
        let home = mount + "/home"
        let token = try Self.makeHome(home)
        let daemon = try Self.start(home: home)
        #expect(await daemon.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start: \(daemon.log)")

        var acknowledged: [String] = []
        func certify(_ label: String) async throws -> (Int, [String: Any]) {
            let (status, body) = try await HTTP.request(
                "POST", daemon.baseURL + "/v1/certificates", token: token,
                json: ["text": ServerTests.human + " " + label])
            if status == 201, let id = body["id"] as? String { acknowledged.append(id) }
            return (status, body)
        }
        #expect(try await certify("Before the disk filled.").0 == 201)

        // Fill the file system to the last byte.
        let filler = mount + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        let chunk = [UInt8](repeating: 0xA5, count: 64 << 10)
        var fillErrno: Int32 = 0
        while true {
            let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                fillErrno = errno
                break
            }
            if n < chunk.count { continue }  // the last partial write; the next one fails
        }
        close(fd)
        #expect(fillErrno == ENOSPC)

        // Writes fail with a clear, stable error (SQLite may still fit a few into WAL pages it has).
        var refused = 0
        var otherStatuses: [Int: String] = [:]
        for i in 0..<20 {
            let (status, body) = try await certify("While the disk is full, request \(i).")
            if status == 503, ErrorBody(body).code == "storage.write_failed" {
                refused += 1
            } else if status != 201 {
                otherStatuses[status] = "\(body)"
            }
        }
        #expect(refused > 0, "no request was refused on a full disk")
        #expect(otherStatuses.isEmpty, "unexpected answers on a full disk: \(otherStatuses)")
        // Reads and detection need no disk.
        #expect(try await HTTP.request("GET", daemon.baseURL + "/healthz").0 == 200)
        #expect(try await HTTP.request("POST", daemon.baseURL + "/v1/detect", token: token, json: ["text": ServerTests.human]).0 == 200)
        if let stored = acknowledged.first {
            #expect(try await HTTP.request("GET", daemon.baseURL + "/v1/certificates/\(stored)", token: token).0 == 200)
        }

        // Space freed: writes resume without a restart.
        try FileManager.default.removeItem(atPath: filler)
        #expect(try await certify("After space was freed.").0 == 201)

        daemon.terminate()
        #expect(await daemon.waitForExit() == 0, "log: \(daemon.log)")
        let registry = try Registry(path: home + "/registry.sqlite")
        #expect(try registry.integrityCheck())
        for id in acknowledged {
            #expect(try registry.certificate(id: id) != nil, "acknowledged certificate \(id) is missing")
        }
        #expect(try registry.certificateCount() == acknowledged.count)
        print("full disk: \(refused) of 20 refused with 503 storage.write_failed, \(acknowledged.count) acknowledged and stored")
    }
}
