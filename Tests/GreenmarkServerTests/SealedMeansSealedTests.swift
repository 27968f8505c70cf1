import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Sealed means sealed (#17): with a master key configured, a plaintext secret file put into the
/// home (or into the shared registry) is refused by the daemon and by KeySync — never loaded,
/// never re-sealed — so an attacker's watermark key or signing seed cannot be laundered.
@Suite("Sealed means sealed: plaintext secret files refused by greenmarkd and KeySync", .serialized)
struct SealedMeansSealedTests {
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gm-\(name)-\(UUID().uuidString)").path
    }

    /// A sealed home (keyring, signing keys) under a new master key in a 0600 file, with an admin token.
    static func sealedHome() throws -> (home: String, keyFile: String, key: MasterKey, admin: String) {
        let home = temporary("sealed")
        let keyFile = home + "-master.key"
        let key = try MasterKey.createFile(at: keyFile)
        let ring = try KeyringStore(directory: home, masterKey: .key(key)).initialize(
            scheme: .leftHash, vocabulary: ServerTests.tokenizer.vocabularyID)
        try SigningKeyStore(directory: home, masterKey: .key(key)).initialize(watermarkKeys: ring.keys)
        let admin = try Registry(path: home + "/registry.sqlite").createToken(role: .admin).token
        return (home, keyFile, key, admin)
    }

    /// An attacker's plaintext file of `name`, made in a home of their own, written over the home's copy (mode 0600).
    static func plant(_ name: String, in home: String) throws -> Data {
        let theirs = temporary("attacker")
        defer { try? FileManager.default.removeItem(atPath: theirs) }
        let ring = try KeyringStore(directory: theirs).initialize(scheme: .leftHash, vocabulary: ServerTests.tokenizer.vocabularyID)
        try SigningKeyStore(directory: theirs).initialize(watermarkKeys: ring.keys)
        let forged = try Data(contentsOf: URL(fileURLWithPath: theirs + "/" + name))
        try forged.write(to: URL(fileURLWithPath: home + "/" + name))
        chmod(home + "/" + name, 0o600)
        return forged
    }

    @Test(
        "the real greenmarkd: a plaintext keyring.json or signing.json swapped in makes it not ready (secrets.plaintext_refused); routes answer 503; an admin rotation does not re-seal it; a restart is refused"
    )
    func daemon() async throws {
        let s = try Self.sealedHome()
        defer {
            try? FileManager.default.removeItem(atPath: s.home)
            unlink(s.keyFile)
        }
        let env = ["GREENMARK_MASTER_KEY_FILE": s.keyFile]
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation"], environment: env, port: port)
        #expect(await daemon.waitUntilReady(), "greenmarkd did not start: \(daemon.log)")
        let base = daemon.baseURL
        var (status, body) = try await HTTP.request("GET", base + "/readyz")
        #expect(status == 200, "\(body)")

        // The keyring.
        let keyring = s.home + "/" + KeyringStore.fileName
        let forgedRing = try Self.plant(KeyringStore.fileName, in: s.home)
        (status, body) = try await HTTP.request("GET", base + "/readyz")
        #expect(status == 503 && (body["detail"] as? [String: Any])?["keyring"] as? String == "secrets.plaintext_refused", "\(body)")
        (status, body) = try await HTTP.request("POST", base + "/v1/detect", token: s.admin, json: ["text": ServerTests.human])
        #expect(status == 503 && ErrorBody(body).code == "secrets.plaintext_refused", "\(status) \(body)")
        (status, body) = try await HTTP.request("POST", base + "/v1/admin/keys/rotate", token: s.admin)
        #expect(status == 503 && ErrorBody(body).code == "secrets.plaintext_refused", "\(status) \(body)")
        #expect(FileManager.default.contents(atPath: keyring) == forgedRing, "the plaintext keyring was changed or re-sealed")
        (status, body) = try await HTTP.request("GET", base + "/v1/keys/disclosed")
        #expect(status == 503 && ErrorBody(body).code == "secrets.plaintext_refused")

        // The signing keys.
        let signing = s.home + "/" + SigningKeyStore.fileName
        let sealedSigning = try Data(contentsOf: URL(fileURLWithPath: signing))
        let forgedSigning = try Self.plant(SigningKeyStore.fileName, in: s.home)
        (status, body) = try await HTTP.request("GET", base + "/readyz")
        #expect(status == 503 && (body["detail"] as? [String: Any])?["signing"] as? String == "secrets.plaintext_refused", "\(body)")
        (status, body) = try await HTTP.request("POST", base + "/v1/certificates", token: s.admin, json: ["text": ServerTests.human])
        #expect(status == 503 && ErrorBody(body).code == "secrets.plaintext_refused", "\(status) \(body)")
        (status, body) = try await HTTP.request(
            "POST", base + "/v1/admin/signing/revoke", token: s.admin,
            json: ["key_id": "gik-0000000000000000", "compromised_since": "2026-01-01T00:00:00Z"])
        #expect(status == 503, "\(status) \(body)")
        #expect(FileManager.default.contents(atPath: signing) == forgedSigning, "the plaintext signing.json was changed or re-sealed")
        daemon.terminate()
        #expect(await daemon.waitForExit() == 0)

        // A daemon does not start on a home holding a plaintext secret file.
        try sealedSigning.write(to: URL(fileURLWithPath: signing))
        let p = DaemonProcess.freePort()
        let refused = try DaemonProcess(arguments: ["serve", "--home", s.home, "--port", String(p), "--no-generation"], environment: env, port: p)
        let exit = await refused.waitForExit(timeout: .seconds(120))
        #expect(exit != nil && exit != 0, "greenmarkd started on a plaintext keyring")
        #expect(refused.log.contains("secrets.plaintext_refused"), "\(refused.log)")
        #expect(FileManager.default.contents(atPath: keyring) == forgedRing)
    }

    @Test(
        "KeySync never takes a plaintext secret file from the shared registry: a joining home does not get it, a sealed home publishes its own over it"
    )
    func keySync() throws {
        let base = Self.temporary("sync")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let registry = try Registry(path: base + "/registry.sqlite")
        let key = try MasterKey.generate()
        let a = base + "/a"
        let b = base + "/b"
        try KeyringStore(directory: a, masterKey: .key(key)).initialize()
        let syncA = KeySync(home: a, registry: registry, interval: .seconds(1), masterKey: .key(key))
        #expect(try syncA.sync().pushed == ["keyring.json"])
        let sealed = try Data(contentsOf: URL(fileURLWithPath: a + "/keyring.json"))

        // Someone with database access replaces the shared keyring with a plaintext one of theirs.
        let scratch = base + "/scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let plaintext = Array(try Self.plant("keyring.json", in: scratch))
        let version = try #require(try registry.keyFileVersions()["keyring.json"])
        _ = try registry.putKeyFile(name: "keyring.json", bytes: plaintext, expectedVersion: version)

        // A joining home does not take it.
        try FileManager.default.createDirectory(atPath: b, withIntermediateDirectories: true)
        let syncB = KeySync(home: b, registry: registry, interval: .seconds(1), masterKey: .key(key))
        let joined = try syncB.sync()
        #expect(joined.refused == ["keyring.json"] && joined.pulled.isEmpty, "\(joined)")
        #expect(!FileManager.default.fileExists(atPath: b + "/keyring.json"))
        #expect(try syncB.sync().refused.isEmpty)  // refused once per database version, not every sync

        // The sealed home refuses it and publishes its own sealed file over it.
        let changes = try syncA.sync()
        #expect(changes.refused == ["keyring.json"] && changes.pulled.isEmpty, "\(changes)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: a + "/keyring.json")) == sealed)
        #expect(try registry.keyFiles().first { $0.name == "keyring.json" }?.bytes == Array(sealed))
        // Now B takes the sealed file.
        #expect(try syncB.sync().pulled == ["keyring.json"])
        #expect(try KeyringStore(directory: b, masterKey: .key(key)).load().keys.count == 1)
    }
}
