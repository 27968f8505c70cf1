import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import GreenmarkTransparency
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The server on a sealed home: it serves with the right master key; with none or another one,
/// `/readyz` and the routes answer 503 with the `secrets.*` code.
@Suite("greenmarkd on a sealed home (live server on loopback)", .serialized)
struct SealedHomeServerTests {
    let server = ServerTests()

    func sealedHome(_ key: MasterKey) throws -> (home: String, reader: String, stamp: String) {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-sealed-\(UUID().uuidString)").path
        let ring = try KeyringStore(directory: home, masterKey: .key(key)).initialize(
            scheme: .leftHash, vocabulary: ServerTests.tokenizer.vocabularyID)
        try SigningKeyStore(directory: home, masterKey: .key(key)).initialize(watermarkKeys: ring.keys)
        let registry = try Registry(path: home + "/registry.sqlite")
        return (home, try registry.createToken(role: .verify).token, try registry.createToken(role: .stamp, permissions: [.inspect]).token)
    }

    func services(_ home: String, _ masterKey: MasterKeySource) throws -> GreenmarkServices {
        GreenmarkServices(home: home, tokenizer: ServerTests.tokenizer, registry: try Registry(path: home + "/registry.sqlite"), masterKey: masterKey)
    }

    @Test("the right key: ready, detection and certification work, the log key is created sealed")
    func rightKey() async throws {
        let key = try MasterKey.generate()
        let s = try sealedHome(key)
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        try await GreenmarkApplication.make(services: services(s.home, .key(key)), port: 0).test(.live) { client in
            try await client.execute(uri: "/readyz", method: .get) { r in
                #expect(r.status == .ok)
                let detail = server.parse(r.body)["detail"] as? [String: Any]
                #expect(detail?["master_key"] as? String == "configured" && detail?["keyring"] as? String == "loaded")
            }
            try await client.execute(uri: "/v1/detect", method: .post, headers: server.auth(s.reader), body: server.json(["text": ServerTests.human]))
            {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "/v1/certificates", method: .post, headers: server.auth(s.stamp), body: server.json(["text": ServerTests.human])
            ) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/v1/log/checkpoint", method: .get) { #expect($0.status == .ok) }
        }
        #expect(LogKey.isSealed(directory: s.home))
    }

    @Test("no master key, or a keyring re-sealed under another key while running: 503 with the secrets code")
    func missingOrWrongKey() async throws {
        let key = try MasterKey.generate()
        let s = try sealedHome(key)
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        try await GreenmarkApplication.make(services: services(s.home, .none), port: 0).test(.live) { client in
            try await client.execute(uri: "/readyz", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
                let detail = server.parse(r.body)["detail"] as? [String: Any]
                #expect(detail?["keyring"] as? String == "secrets.master_key_required")
                #expect(detail?["signing"] as? String == "secrets.master_key_required")
                #expect(detail?["master_key"] as? String == "none")
            }
            try await client.execute(uri: "/v1/detect", method: .post, headers: server.auth(s.reader), body: server.json(["text": ServerTests.human]))
            { r in
                #expect(r.status == .serviceUnavailable)
                #expect(ErrorBody(r.body).code == "secrets.master_key_required")
            }
        }

        // Another master key's keyring replaces the file under a running daemon.
        let other = try MasterKey.generate()
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("gm-sealed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        try await GreenmarkApplication.make(services: services(s.home, .key(key)), port: 0).test(.live) { client in
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try KeyringStore(directory: elsewhere, masterKey: .key(other)).initialize(
                scheme: .leftHash, vocabulary: ServerTests.tokenizer.vocabularyID)
            _ = rename(elsewhere + "/" + KeyringStore.fileName, s.home + "/" + KeyringStore.fileName)
            try await client.execute(uri: "/readyz", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
                #expect((server.parse(r.body)["detail"] as? [String: Any])?["keyring"] as? String == "secrets.wrong_master_key")
            }
            try await client.execute(
                uri: "/v1/certificates", method: .post, headers: server.auth(s.stamp), body: server.json(["text": ServerTests.human])
            ) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(ErrorBody(r.body).code == "secrets.wrong_master_key")
            }
        }
    }

    @Test("a sealed keyring changed on disk: readyz 503 with crypto.authentication_failed, detection 503, nothing decrypted")
    func tampered() async throws {
        let key = try MasterKey.generate()
        let s = try sealedHome(key)
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let path = s.home + "/" + KeyringStore.fileName
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let start = text.range(of: "\"ciphertext\":\"")!.upperBound
        let at = text.index(start, offsetBy: 10)
        text.replaceSubrange(at...at, with: text[at] == "A" ? "B" : "A")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try await GreenmarkApplication.make(services: services(s.home, .key(key)), port: 0).test(.live) { client in
            try await client.execute(uri: "/readyz", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
                #expect((server.parse(r.body)["detail"] as? [String: Any])?["keyring"] as? String == "crypto.authentication_failed")
            }
            try await client.execute(uri: "/v1/detect", method: .post, headers: server.auth(s.reader), body: server.json(["text": ServerTests.human]))
            { r in
                #expect(r.status == .serviceUnavailable)
                #expect(ErrorBody(r.body).code == "crypto.authentication_failed")
            }
        }
    }
}
