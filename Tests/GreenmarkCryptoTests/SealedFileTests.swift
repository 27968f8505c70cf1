import Foundation
import GreenmarkCrypto
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One entry of `docs/test-vectors/sealed-file-v1.json`.
private struct SealedVector: Decodable {
    let masterKeyB64url: String, masterKeyID: String, nonceHex: String, purpose: String, plaintextHex: String, envelope: String
    enum CodingKeys: String, CodingKey {
        case masterKeyB64url = "master_key_b64url"
        case masterKeyID = "master_key_id"
        case nonceHex = "nonce_hex"
        case purpose
        case plaintextHex = "plaintext_hex"
        case envelope
    }
}

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("gm-\(name)-\(UUID().uuidString)").path
}

@Suite("Master key and sealed files")
struct SealedFileTests {
    private func vectors() throws -> [SealedVector] {
        let url = repositoryRoot.appendingPathComponent("docs/test-vectors/sealed-file-v1.json")
        return try JSONDecoder().decode([SealedVector].self, from: Data(contentsOf: url))
    }

    @Test("docs/test-vectors/sealed-file-v1.json: fixed key and nonce give the exact envelope bytes, which open again")
    func testVectors() throws {
        let vectors = try vectors()
        #expect(vectors.count == 3)
        for v in vectors {
            let key = try MasterKey.decode(v.masterKeyB64url)
            #expect(key.id == v.masterKeyID)
            let purpose = try #require(SealedFile.Purpose(rawValue: v.purpose))
            let plaintext = try Hex.decode(v.plaintextHex)
            let envelope = try SealedFile.seal(plaintext, purpose: purpose, masterKey: key, nonce: try Hex.decode(v.nonceHex))
            #expect(String(decoding: envelope, as: UTF8.self) == v.envelope)
            #expect(SealedFile.isSealed(envelope))
            #expect(try SealedFile.open(Array(v.envelope.utf8), purpose: purpose, masterKey: key).copyBytes() == plaintext)
        }
    }

    @Test("random nonces: two seals of one plaintext differ; both open")
    func randomNonce() throws {
        let key = try MasterKey.generate()
        let a = try SealedFile.seal(Array("secret".utf8), purpose: .keyring, masterKey: key)
        let b = try SealedFile.seal(Array("secret".utf8), purpose: .keyring, masterKey: key)
        #expect(a != b)
        #expect(try SealedFile.open(a, purpose: .keyring, masterKey: key).copyBytes() == Array("secret".utf8))
        #expect(try SealedFile.open(b, purpose: .keyring, masterKey: key).copyBytes() == Array("secret".utf8))
        #expect(!SealedFile.isSealed(Array("{\"format\":\"greenmark-keyring\"}".utf8)))
        #expect(!SealedFile.isSealed(Array("not json".utf8)))
    }

    @Test("no key, another key, another purpose, a changed field or a flipped byte: typed errors, never plaintext")
    func failures() throws {
        let v = try vectors()[0]
        let key = try MasterKey.decode(v.masterKeyB64url)
        let envelope = v.envelope
        #expect(throws: CryptoError(.masterKeyRequired, "")) { try SealedFile.open(Array(envelope.utf8), purpose: .keyring, masterKey: nil) }
        #expect(throws: CryptoError(.wrongMasterKey, "")) {
            try SealedFile.open(Array(envelope.utf8), purpose: .keyring, masterKey: try MasterKey.generate())
        }
        #expect(throws: CryptoError(.sealedPurposeMismatch, "")) { try SealedFile.open(Array(envelope.utf8), purpose: .signing, masterKey: key) }
        // Relabelling the purpose in the JSON does not help: the purpose is bound into the AAD.
        let relabelled = envelope.replacingOccurrences(of: "\"purpose\":\"keyring\"", with: "\"purpose\":\"signing\"")
        #expect(throws: CryptoError(.authenticationFailed, "")) { try SealedFile.open(Array(relabelled.utf8), purpose: .signing, masterKey: key) }
        // A flipped ciphertext character.
        var chars = Array(envelope.utf8)
        let at = Array(envelope.utf8).firstIndex(of: UInt8(ascii: "P"))!  // first ciphertext character
        chars[at] = UInt8(ascii: "Q")
        #expect(throws: CryptoError(.authenticationFailed, "")) { try SealedFile.open(chars, purpose: .keyring, masterKey: key) }
        let noncechanged = envelope.replacingOccurrences(of: "\"nonce\":\"AAECAwQFBgcICQoL\"", with: "\"nonce\":\"AAECAwQFBgcICQoM\"")
        #expect(throws: CryptoError(.authenticationFailed, "")) { try SealedFile.open(Array(noncechanged.utf8), purpose: .keyring, masterKey: key) }
        for bad in [
            "", "{}", "[1]", envelope.replacingOccurrences(of: "A256GCM", with: "A128GCM"),
            envelope.replacingOccurrences(of: "\"nonce\":\"AAECAwQFBgcICQoL\"", with: "\"nonce\":\"AAEC\""),
        ] {
            #expect(throws: CryptoError.self) { try SealedFile.open(Array(bad.utf8), purpose: .keyring, masterKey: key) }
        }
        #expect(throws: CryptoError(.sealedFileCorrupt, "")) { try SealedFile.open(Array("{}".utf8), purpose: .keyring, masterKey: key) }
    }

    @Test("master key from the environment: file (mode 0600 only), inline base64url, neither, both, malformed")
    func environment() throws {
        let path = temporaryPath("mk")
        defer { unlink(path) }
        let created = try MasterKey.createFile(at: path)
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        #expect(throws: CryptoError(.masterKeyInvalid, "")) { try MasterKey.createFile(at: path) }  // never overwrites
        #expect(try MasterKey.fromEnvironment([MasterKey.fileEnvironmentVariable: path])?.id == created.id)
        #expect(try MasterKey.fromEnvironment([MasterKey.environmentVariable: created.encoded()])?.id == created.id)
        #expect(try MasterKey.fromEnvironment([:]) == nil)
        #expect(try MasterKey.fromEnvironment([MasterKey.environmentVariable: ""]) == nil)
        #expect(throws: CryptoError(.masterKeyInvalid, "")) {
            try MasterKey.fromEnvironment([MasterKey.fileEnvironmentVariable: path, MasterKey.environmentVariable: created.encoded()])
        }
        #expect(throws: CryptoError(.masterKeyInvalid, "")) { try MasterKey.fromEnvironment([MasterKey.environmentVariable: "AAAA"]) }
        #expect(throws: CryptoError(.masterKeyInvalid, "")) { try MasterKey.fromEnvironment([MasterKey.environmentVariable: "not base64!"]) }
        #expect(throws: CryptoError(.masterKeyInvalid, "")) { try MasterKey.fromEnvironment([MasterKey.fileEnvironmentVariable: path + ".missing"]) }
        for mode: mode_t in [0o640, 0o604, 0o660] {
            chmod(path, mode)
            #expect(throws: CryptoError(.masterKeyPermissions, "")) { try MasterKey.fromEnvironment([MasterKey.fileEnvironmentVariable: path]) }
        }
        chmod(path, 0o400)
        #expect(try MasterKey.load(file: path).id == created.id)
        // A source keeps a bad configuration as its error, thrown when the key is needed.
        let bad = MasterKeySource.environment([MasterKey.environmentVariable: "AAAA"])
        #expect(bad.isConfigured)
        #expect(throws: CryptoError(.masterKeyInvalid, "")) { try bad.masterKey() }
        #expect(!MasterKeySource.environment([:]).isConfigured)
    }

    @Test("descriptions and reflection show the key id, never the key")
    func redaction() throws {
        let key = try MasterKey.generate()
        let encoded = key.encoded()
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, "\(key)", String(reflecting: key), dumped] {
            #expect(text.contains(key.id))
            #expect(!text.contains(encoded))
        }
    }

    @Test("the Python reference (docs/test-vectors/sealed_file_v1_reference.py) opens a file Swift sealed", .enabled(if: pythonHasCryptography()))
    func pythonOpensSwiftSeal() throws {
        let keyPath = temporaryPath("mk")
        let filePath = temporaryPath("sealed")
        defer {
            unlink(keyPath)
            unlink(filePath)
        }
        let key = try MasterKey.createFile(at: keyPath)
        let plaintext = Array("{\"keys\":[\"example\"]}\n".utf8)
        #expect(FileManager.default.createFile(atPath: filePath, contents: Data(try SealedFile.seal(plaintext, purpose: .signing, masterKey: key))))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", repositoryRoot.appendingPathComponent("docs/test-vectors/sealed_file_v1_reference.py").path, "open", keyPath, "signing",
            filePath,
        ]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(Array(data) == plaintext)
    }
}

/// Whether `python3` can import `cryptography`.
func pythonHasCryptography() -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import cryptography.hazmat.primitives.ciphers.aead"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
}
