import Foundation
import GreenmarkCrypto
import GreenmarkServer
import GreenmarkStorage
import GreenmarkTestSupport
import GreenmarkTransparency
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every certificate the daemon issues is appended to the transparency log; the signed
/// checkpoint, inclusion and consistency proofs it serves verify with nothing but hashes and the
/// log's public key.
@Suite("greenmarkd transparency log (live server on loopback)", .serialized)
struct TransparencyLogRouteTests {
    /// The v2 leaf input written out from docs/transparency-log.md (not through LogLeaf).
    static func leafV2(_ certificate: [UInt8]) throws -> [UInt8] {
        let o = try #require(try JSONSerialization.jsonObject(with: Data(certificate)) as? [String: Any])
        let compact = "\(o["protected"] as? String ?? "").\(o["payload"] as? String ?? "").\(o["signature"] as? String ?? "")"
        return Array("greenmark-log-leaf/v2\n\(compact)".utf8)
    }

    static func json(_ r: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(r.body.readableBytesView))) as? [String: Any] ?? [:]
    }

    @Test("issue certificates, then check the checkpoint, each inclusion proof and a consistency proof")
    func logRoutes() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let headers: HTTPFields = [.authorization: "Bearer \(s.issuer)", .contentType: "application/json"]
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            var keyInfo: [String: Any] = [:]
            try await client.execute(uri: "/v1/log/key", method: .get) { r in
                #expect(r.status == .ok)
                keyInfo = Self.json(r)
            }
            let origin = try #require(keyInfo["origin"] as? String)
            let publicKey = try Ed25519PublicKey(rawRepresentation: Array(try #require(Data(base64Encoded: keyInfo["public_key"] as? String ?? ""))))
            #expect((keyInfo["verifier_key"] as? String)?.hasPrefix(origin + "+") == true)

            var oldNote = ""
            try await client.execute(uri: "/v1/log/checkpoint", method: .get) { r in
                #expect(r.status == .ok)
                oldNote = String(buffer: r.body)
            }
            let empty = try Checkpoint.verify(note: oldNote, name: origin, publicKey: publicKey)
            #expect(empty.size == 0 && empty.root == MerkleTree.emptyRoot)

            var ids: [String] = []
            for i in 0..<3 {
                let body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["text": ServerTests.human + " Copy \(i)."]))
                try await client.execute(uri: "/v1/certificates", method: .post, headers: headers, body: body) { r in
                    #expect(r.status == .created)
                    if let id = Self.json(r)["id"] as? String { ids.append(id) }
                }
            }
            #expect(ids.count == 3)

            for (n, id) in ids.enumerated() {
                try await client.execute(uri: "/v1/log/proof/\(id)", method: .get) { r in
                    #expect(r.status == .ok)
                    let j = Self.json(r)
                    let checkpoint = try Checkpoint.verify(note: j["checkpoint"] as? String ?? "", name: origin, publicKey: publicKey)
                    #expect(j["leaf_index"] as? Int == n && j["tree_size"] as? Int == 3 && checkpoint.size == 3)
                    // The leaf is v2: the prefix and the compact form of the stored certificate's signed parts.
                    let stored = try #require(try s.services.registry.certificate(id: id))
                    let leaf = MerkleTree.leafHash(try Self.leafV2(stored.bytes))
                    #expect(Hex.encode(leaf) == j["leaf_hash"] as? String)
                    let proof = try (j["proof"] as? [String] ?? []).map { try Hex.decode($0) }
                    #expect(MerkleProof.verifyInclusion(leafHash: leaf, index: n, size: 3, proof: proof, root: checkpoint.root))
                    #expect(
                        !MerkleProof.verifyInclusion(
                            leafHash: MerkleTree.leafHash(stored.bytes), index: n, size: 3, proof: proof, root: checkpoint.root))
                }
            }

            try await client.execute(uri: "/v1/log/consistency?old=1", method: .get) { r in
                #expect(r.status == .ok)
                let j = Self.json(r)
                let new = try Checkpoint.verify(note: j["checkpoint"] as? String ?? "", name: origin, publicKey: publicKey)
                let oldRoot = MerkleTree(leafHashes: [
                    MerkleTree.leafHash(try Self.leafV2(try #require(try s.services.registry.certificate(id: ids[0])).bytes))
                ]).root()
                let proof = try (j["proof"] as? [String] ?? []).map { try Hex.decode($0) }
                #expect(MerkleProof.verifyConsistency(oldSize: 1, newSize: new.size, proof: proof, oldRoot: oldRoot, newRoot: new.root))
            }
            try await client.execute(uri: "/v1/log/consistency?old=9", method: .get) { r in #expect(r.status == .badRequest) }
            try await client.execute(uri: "/v1/log/consistency", method: .get) { r in #expect(r.status == .badRequest) }
            try await client.execute(uri: "/v1/log/proof/gmc-nope", method: .get) { r in #expect(r.status == .notFound) }

            // The daemon keeps the key and the note, yet a key file replaced on disk (as KeySync
            // writes it: rename) or opened to others takes effect on the next request.
            let other = s.home + "/other-log"
            let replacement = try LogKey.loadOrCreate(directory: other)
            #expect(rename(other + "/" + LogKey.fileName, s.home + "/" + LogKey.fileName) == 0)
            try await client.execute(uri: "/v1/log/checkpoint", method: .get) { r in
                #expect(r.status == .ok)
                let note = String(buffer: r.body)
                let checkpoint = try Checkpoint.verify(note: note, name: replacement.origin, publicKey: replacement.key.publicKey)
                #expect(checkpoint.size == 3)
                #expect(throws: TransparencyError.self) { try Checkpoint.verify(note: note, name: origin, publicKey: publicKey) }
            }
            #expect(chmod(s.home + "/" + LogKey.fileName, 0o644) == 0)
            try await client.execute(uri: "/v1/log/key", method: .get) { r in
                #expect(r.status == .serviceUnavailable && ErrorBody(r.body).code == "tlog.log_key_unusable", "\(r.status)")
            }
            #expect(chmod(s.home + "/" + LogKey.fileName, 0o600) == 0)
            try await client.execute(uri: "/v1/log/key", method: .get) { r in #expect(Self.json(r)["origin"] as? String == replacement.origin) }
        }
        // The log key file is private.
        let mode = (try FileManager.default.attributesOfItem(atPath: s.home + "/log-key.json")[.posixPermissions] as? NSNumber)?.intValue ?? 0
        #expect(mode & 0o077 == 0)
    }

    @Test("greenmark verify --log-proof --log-key checks inclusion offline; altered evidence fails")
    func offlineVerify() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let headers: HTTPFields = [.authorization: "Bearer \(s.issuer)", .contentType: "application/json"]
        let text = ServerTests.human + " Logged."
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            var id = ""
            for i in 0..<2 {  // two certificates, so the proof is not empty
                let body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["text": i == 0 ? ServerTests.human : text]))
                try await client.execute(uri: "/v1/certificates", method: .post, headers: headers, body: body) { r in
                    id = Self.json(r)["id"] as? String ?? ""
                }
            }
            try await client.execute(uri: "/v1/certificates/\(id)", method: .get, headers: headers) { r in
                try Data(r.body.readableBytesView).write(to: dir.appendingPathComponent("essay.cert.json"))
            }
            try await client.execute(uri: "/v1/log/proof/\(id)", method: .get) { r in
                try Data(r.body.readableBytesView).write(to: dir.appendingPathComponent("proof.json"))
            }
            try await client.execute(uri: "/v1/log/key", method: .get) { r in
                try Data(r.body.readableBytesView).write(to: dir.appendingPathComponent("log-key.json"))
            }
        }
        try Data(text.utf8).write(to: dir.appendingPathComponent("essay.txt"))
        func verify(_ proof: String) throws -> (Int32, String) {
            try Subprocess.run(
                DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("greenmark").path,
                [
                    "verify", dir.appendingPathComponent("essay.cert.json").path, "--text", dir.appendingPathComponent("essay.txt").path,
                    "--trust", s.home + "/trust/root-key.json", "--trust-update", s.home + "/trust/trusted-root.json", "--log-proof",
                    dir.appendingPathComponent(proof).path,
                    "--log-key", dir.appendingPathComponent("log-key.json").path,
                ])
        }
        let good = try verify("proof.json")
        #expect(good.0 == 0, "\(good.1)")
        #expect(good.1.contains("log.checkpoint.valid") && good.1.contains("log.inclusion.valid"))
        // The same evidence claiming another leaf index does not verify.
        let evidence = try String(contentsOf: dir.appendingPathComponent("proof.json"), encoding: .utf8)
        try evidence.replacingOccurrences(of: "\"leaf_index\":1", with: "\"leaf_index\":0")
            .write(to: dir.appendingPathComponent("moved.json"), atomically: true, encoding: .utf8)
        let moved = try verify("moved.json")
        #expect(moved.0 == 1, "\(moved.1)")
        #expect(moved.1.contains("log.inclusion.invalid"))
    }

    @Test("the daemon's log tree follows appends, reads only new leaves' worth of work, and rebuilds for another database")
    func logTreeCache() throws {
        let dir = NSTemporaryDirectory() + "gm-logcache-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func record(_ id: String) -> CertificateRecord {
            CertificateRecord(
                id: id, kind: "detection_attestation", subjectSHA256: String(repeating: "d", count: 64), issuerKeyID: "gik",
                watermarkKeyID: nil, issuedAt: "2026-01-01T00:00:00Z", bytes: Array(id.utf8))
        }
        let a = try Registry(location: DatabaseLocation(dir + "/a.sqlite"))
        let b = try Registry(location: DatabaseLocation(dir + "/b.sqlite"))
        let cache = LogTreeCache()
        #expect(try cache.current(a).size == 0)
        for i in 0..<5 { try a.insert(record("gmc-a\(i)")) }
        let five = try cache.current(a)
        let fiveRoot = MerkleTree(leafHashes: try a.logLeafHashes()).root()
        #expect(five.size == 5 && five.root() == fiveRoot)
        #expect(try a.logLeafHashes(from: 3) == Array(try a.logLeafHashes().dropFirst(3)))
        for i in 5..<12 { try a.insert(record("gmc-a\(i)")) }
        let twelve = try cache.current(a)
        let rebuiltA = MerkleTree(leafHashes: try a.logLeafHashes())
        #expect(twelve.size == 12 && twelve.root() == rebuiltA.root())
        #expect(try twelve.consistencyProof(oldSize: 5) == rebuiltA.consistencyProof(oldSize: 5))
        // A registry whose leaves differ from the cached ones (another or restored database): rebuilt, never mixed.
        for i in 0..<3 { try b.insert(record("gmc-b\(i)")) }
        let other = try cache.current(b)
        let bRoot = MerkleTree(leafHashes: try b.logLeafHashes()).root()
        #expect(other.size == 3 && other.root() == bRoot)
        #expect(try cache.current(a).root() == twelve.root())
    }
}
