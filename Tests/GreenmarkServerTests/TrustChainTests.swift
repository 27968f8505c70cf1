import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The daemon's trust is a chain from the root key it holds (#17): the root public key derived
/// from its `signing.json`, pinned, through the home's `trust/trusted-root-v*.json`. A trust file
/// that does not chain — a self-signed `trusted-root.json` of another key, a forged next version,
/// a replaced `root-key.json` or first version, or one pulled from the shared registry — makes the
/// daemon not ready and is never served (`GET /v1/trust`) or used (`/v1/certificates/verify`).
@Suite("The daemon's trust chains from the root key it holds (real greenmarkd on loopback)", .serialized)
struct TrustChainTests {
    /// An attacker's own home: a keyring and signing keys of their own (trusted root v1, self-signed
    /// by their root key), and a certificate their issuer signed about `text`.
    struct Attacker {
        let home: String
        let store: SigningKeyStore
        let certificate: [UInt8]

        init(text: String) throws {
            home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-attacker-\(UUID().uuidString)").path
            let ring = try KeyringStore(directory: home).initialize(scheme: .leftHash, vocabulary: ServerTests.tokenizer.vocabularyID)
            store = SigningKeyStore(directory: home)
            try store.initialize(watermarkKeys: ring.keys)
            let result = try Detector(tokenizer: ServerTests.tokenizer).detect(text, keys: ring.detectionKeys, includeMask: false)
            certificate = try store.activeIssuer().attestDetection(
                text: text, result: result, vocabulary: ServerTests.tokenizer.vocabularyID,
                keyCommitment: ring.keys[0].commitment
            ).fileBytes()
        }

        func file(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: home + "/trust/" + name)) }
    }

    static func verifyBody(_ certificate: [UInt8], text: String) -> [UInt8] {
        Array(#"{"certificate":"#.utf8) + certificate + Array(#","text":"#.utf8) + Array(try! JSONEncoder().encode(text)) + [UInt8(ascii: "}")]
    }

    @Test(
        "forged trusted-root.json, trusted-root-v2.json, root-key.json or trusted-root-v1.json: /readyz 503 with the code, /v1/trust and /v1/certificates/verify 503, the forgery never served; restored, all is well; a legitimate root rotation keeps it ready"
    )
    func forgeries() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let attacker = try Attacker(text: ServerTests.human)
        defer { try? FileManager.default.removeItem(atPath: attacker.home) }
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation"], environment: [:], port: port)
        #expect(await daemon.waitUntilReady(), "greenmarkd did not start: \(daemon.log)")
        let trust = s.home + "/trust/"
        let heldRoot = try SigningKeyStore(directory: s.home).rootKeyFile()

        func readyz() throws -> (Int, String?) {
            let r = try RawHTTP.send(port: port, method: "GET", target: "/readyz")
            return (r.status, (r.json["detail"] as? [String: Any])?["trust"] as? String)
        }
        func verifyForged() throws -> RawHTTP.Response {
            try RawHTTP.send(
                port: port, method: "POST", target: "/v1/certificates/verify", token: s.reader,
                body: Self.verifyBody(attacker.certificate, text: ServerTests.human))
        }
        func expectRefused(_ code: String, _ what: String, forged: Data) throws {
            let (status, detail) = try readyz()
            #expect(status == 503 && detail == code, "\(what): readyz \(status) trust \(detail ?? "-")")
            let served = try RawHTTP.send(port: port, method: "GET", target: "/v1/trust")
            #expect(served.status == 503 && ErrorBody(served.json).code == code, "\(what): /v1/trust \(served.status) \(served.text)")
            if let payload = (try? JSONSerialization.jsonObject(with: forged) as? [String: Any])?["payload"] as? String {
                #expect(!served.text.contains(payload), "\(what): the forged trusted root was served")
            }
            #expect(!(ErrorBody(served.json).message ?? "").contains(s.home) && !served.text.contains("/tmp"), "\(what): a server path in the body")
            let verified = try verifyForged()
            #expect(verified.status == 503 && ErrorBody(verified.json).code == code, "\(what): verify \(verified.status) \(verified.text)")
        }
        func expectHealthy(_ what: String) throws {
            let (status, detail) = try readyz()
            #expect(status == 200 && detail == "valid", "\(what): readyz \(status) trust \(detail ?? "-")")
            let served = try RawHTTP.send(port: port, method: "GET", target: "/v1/trust")
            #expect(served.status == 200)
            let rootKey = served.json["root_key"] as? [String: Any]
            #expect(rootKey?["key_id"] as? String == heldRoot.keyID, "\(what): served root key \(rootKey ?? [:])")
            // The attacker's certificate is never valid here.
            let verified = try verifyForged()
            #expect(verified.status == 200 && verified.json["status"] as? String == "invalid", "\(what): \(verified.text)")
        }
        /// Writes `data` over `name` the way a copy would (a new file), then the check, then puts the original back.
        func swapped(_ name: String, _ data: Data, _ check: () throws -> Void) throws {
            let path = trust + name
            let original = FileManager.default.contents(atPath: path)
            try data.write(to: URL(fileURLWithPath: path + ".swap"))
            _ = rename(path + ".swap", path)
            try check()
            if let original { try original.write(to: URL(fileURLWithPath: path)) } else { try FileManager.default.removeItem(atPath: path) }
        }

        try expectHealthy("before")

        // A self-signed trusted root of another key in place of trusted-root.json.
        let forgedLatest = try attacker.file("trusted-root.json")
        try swapped("trusted-root.json", forgedLatest) { try expectRefused("trust.unchained_file", "forged trusted-root.json", forged: forgedLatest) }
        try expectHealthy("trusted-root.json restored")

        // A forged next version (the attacker's v2, signed by their root only), published as the latest too.
        try attacker.store.rotateIssuer(watermarkKeys: [])
        let forgedV2 = try attacker.file("trusted-root-v2.json")
        try swapped("trusted-root-v2.json", forgedV2) {
            try swapped("trusted-root.json", forgedV2) {
                try expectRefused("trust.threshold_not_met", "forged trusted-root-v2.json", forged: forgedV2)
            }
        }
        try expectHealthy("v2 removed")

        // The attacker's root key as the published root key.
        let forgedRootKey = try attacker.file("root-key.json")
        try swapped("root-key.json", forgedRootKey) { try expectRefused("trust.unchained_file", "forged root-key.json", forged: forgedRootKey) }

        // The first version replaced by the attacker's (nothing chains from the held key any more).
        let forgedV1 = try attacker.file("trusted-root-v1.json")
        try swapped("trusted-root-v1.json", forgedV1) { try expectRefused("trust.incomplete", "forged trusted-root-v1.json", forged: forgedV1) }
        try expectHealthy("v1 restored")

        // Legitimate changes through the store (root rotation: v2 signed by the old and the new
        // root) keep it ready, and the new root key is what is served.
        let keys = try KeyringStore(directory: s.home).load().keys
        try SigningKeyStore(directory: s.home).rotateRoot(watermarkKeys: keys)
        let newRoot = try SigningKeyStore(directory: s.home).rootKeyFile()
        #expect(newRoot.keyID != heldRoot.keyID)
        let (status, detail) = try readyz()
        #expect(status == 200 && detail == "valid", "after rotate-root: \(status) \(detail ?? "-")")
        let served = try RawHTTP.send(port: port, method: "GET", target: "/v1/trust")
        #expect((served.json["root_key"] as? [String: Any])?["key_id"] as? String == newRoot.keyID)
        // Versions from before the rotation must still chain into it: the old v1 swapped for the attacker's breaks it.
        try swapped("trusted-root-v1.json", forgedV1) {
            try expectRefused("trust.threshold_not_met", "forged v1 behind a rotation", forged: forgedV1)
        }
        daemon.terminate()
        #expect(await daemon.waitForExit() == 0)
    }

    @Test("a forged trusted root pulled from the shared registry by KeySync makes the daemon not ready and is never served")
    func fromSharedRegistry() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gm-trust-sync-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let key = try MasterKey.generate()
        let home = base + "/home"
        let ring = try KeyringStore(directory: home, masterKey: .key(key)).initialize(
            scheme: .leftHash, vocabulary: ServerTests.tokenizer.vocabularyID)
        try SigningKeyStore(directory: home, masterKey: .key(key)).initialize(watermarkKeys: ring.keys)
        let registry = try Registry(path: base + "/registry.sqlite")
        let sync = KeySync(home: home, registry: registry, interval: .seconds(3600), masterKey: .key(key))
        try sync.startUp()
        let attacker = try Attacker(text: ServerTests.human)
        defer { try? FileManager.default.removeItem(atPath: attacker.home) }
        try attacker.store.rotateIssuer(watermarkKeys: [])
        let forged = try attacker.file("trusted-root-v2.json")
        let forgedPayload = try JSONDecoder().decode(TrustedRoot.self, from: forged).payload

        let services = GreenmarkServices(home: home, tokenizer: ServerTests.tokenizer, registry: registry, masterKey: .key(key), keySync: sync)
        try await GreenmarkApplication.make(services: services, port: 0).test(.live) { client in
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            // Someone with write access to the shared table publishes the attacker's v2 as the latest.
            let versions = try registry.keyFileVersions()
            _ = try registry.putKeyFile(name: "trust/trusted-root-v2.json", bytes: Array(forged), expectedVersion: nil)
            _ = try registry.putKeyFile(name: "trust/trusted-root.json", bytes: Array(forged), expectedVersion: versions["trust/trusted-root.json"])
            let pulled = try sync.sync().pulled
            #expect(pulled.contains("trust/trusted-root-v2.json"), "\(pulled)")
            try await client.execute(uri: "/readyz", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
                let detail = (try? JSONSerialization.jsonObject(with: Data(r.body.readableBytesView))) as? [String: Any]
                #expect((detail?["detail"] as? [String: Any])?["trust"] as? String == "trust.threshold_not_met", "\(String(buffer: r.body))")
            }
            try await client.execute(uri: "/v1/trust", method: .get) { r in
                #expect(r.status == .serviceUnavailable && ErrorBody(r.body).code == "trust.threshold_not_met")
                #expect(!String(buffer: r.body).contains(forgedPayload))
            }
        }
    }
}
