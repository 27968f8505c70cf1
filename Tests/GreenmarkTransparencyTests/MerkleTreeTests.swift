import Foundation
import GreenmarkCrypto
import GreenmarkTransparency
import Testing

/// RFC 6962 / 9162 reference values, as published in transparency-dev/merkle (Apache-2.0):
/// testonly/constants.go (leaves, roots), proof/verify_test.go (inclusion and consistency
/// proofs), rfc6962/rfc6962_test.go (hasher vectors). The same values appear in
/// certificate-transparency-go's merkle tests.
enum RFC6962Vectors {
    static let leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
    static let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
    /// (leaf index, tree size, path)
    static let inclusion: [(Int, Int, [String])] = [
        (0, 1, []),
        (0, 2, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"]),
        (1, 2, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (
            1, 5,
            [
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        ),
        (
            0, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        ),
        (
            5, 8,
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
    ]
    /// (old size, new size, proof)
    static let consistency: [(Int, Int, [String])] = [
        (1, 1, []),
        (
            1, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        ),
        (
            6, 8,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
        (
            2, 5,
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        ),
    ]
}

@Suite("RFC 9162 Merkle tree against the published vectors")
struct MerkleTreeTests {
    func hex(_ s: String) -> [UInt8] { try! Hex.decode(s) }
    func tree(_ n: Int = 8) -> MerkleTree {
        var t = MerkleTree()
        for leaf in RFC6962Vectors.leaves.prefix(n) { t.append(hex(leaf)) }
        return t
    }

    @Test("hasher vectors: empty root, leaf and node hashes")
    func hasher() {
        #expect(Hex.encode(MerkleTree.emptyRoot) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(MerkleTree.leafHash([UInt8]())) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(Hex.encode(MerkleTree.leafHash(Array("L123456".utf8))) == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")
        #expect(
            Hex.encode(MerkleTree.nodeHash(Array("N123".utf8), Array("N456".utf8)))
                == "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb")
    }

    @Test("roots of the 8-leaf reference log at every size")
    func roots() {
        let t = tree()
        #expect(t.root(size: 0) == MerkleTree.emptyRoot)
        for n in 1...8 { #expect(Hex.encode(t.root(size: n)) == RFC6962Vectors.roots[n - 1], "size \(n)") }
    }

    @Test("inclusion proofs equal the published paths and verify")
    func inclusion() throws {
        let t = tree()
        for (index, size, path) in RFC6962Vectors.inclusion {
            let proof = try t.inclusionProof(index: index, size: size)
            #expect(proof.map { Hex.encode($0) } == path, "\(index) in \(size)")
            #expect(MerkleProof.verifyInclusion(leafHash: t.leafHash(at: index), index: index, size: size, proof: proof, root: t.root(size: size)))
        }
    }

    @Test("consistency proofs equal the published ones and verify")
    func consistency() throws {
        let t = tree()
        for (old, new, expected) in RFC6962Vectors.consistency {
            let proof = try t.consistencyProof(oldSize: old, newSize: new)
            #expect(proof.map { Hex.encode($0) } == expected, "\(old) -> \(new)")
            #expect(MerkleProof.verifyConsistency(oldSize: old, newSize: new, proof: proof, oldRoot: t.root(size: old), newRoot: t.root(size: new)))
        }
    }

    @Test("every proof of a 40-leaf log verifies, and every corruption of it fails")
    func exhaustive() throws {
        var t = MerkleTree()
        for i in 0..<40 { t.append([UInt8(i), UInt8(i >> 8)]) }
        for n in 1...40 {
            let root = t.root(size: n)
            for i in 0..<n {
                let proof = try t.inclusionProof(index: i, size: n)
                #expect(MerkleProof.verifyInclusion(leafHash: t.leafHash(at: i), index: i, size: n, proof: proof, root: root))
                // Wrong index, wrong height (size doubled or halved), wrong leaf, flipped bit, truncated,
                // extended: all rejected (transparency-dev's corruptInclusionProof probes).
                #expect(!MerkleProof.verifyInclusion(leafHash: t.leafHash(at: i), index: i ^ 1, size: n, proof: proof, root: root))
                #expect(!MerkleProof.verifyInclusion(leafHash: t.leafHash(at: i), index: i, size: n * 2, proof: proof, root: root))
                if n > 1 && i < n / 2 {
                    #expect(!MerkleProof.verifyInclusion(leafHash: t.leafHash(at: i), index: i, size: n / 2, proof: proof, root: root))
                }
                #expect(!MerkleProof.verifyInclusion(leafHash: MerkleTree.leafHash([0xff]), index: i, size: n, proof: proof, root: root))
                if !proof.isEmpty {
                    var flipped = proof
                    flipped[0][0] ^= 8
                    #expect(!MerkleProof.verifyInclusion(leafHash: t.leafHash(at: i), index: i, size: n, proof: flipped, root: root))
                    #expect(!MerkleProof.verifyInclusion(leafHash: t.leafHash(at: i), index: i, size: n, proof: Array(proof.dropLast()), root: root))
                }
                #expect(!MerkleProof.verifyInclusion(leafHash: t.leafHash(at: i), index: i, size: n, proof: proof + [root], root: root))
            }
            for m in 0...n {
                let proof = try t.consistencyProof(oldSize: m, newSize: n)
                #expect(MerkleProof.verifyConsistency(oldSize: m, newSize: n, proof: proof, oldRoot: t.root(size: m), newRoot: root), "\(m) -> \(n)")
                if m > 0 && m < n {
                    #expect(
                        !MerkleProof.verifyConsistency(oldSize: m, newSize: n, proof: proof, oldRoot: t.root(size: m), newRoot: t.root(size: n - 1)))
                    var flipped = proof
                    flipped[flipped.count - 1][0] ^= 1
                    #expect(!MerkleProof.verifyConsistency(oldSize: m, newSize: n, proof: flipped, oldRoot: t.root(size: m), newRoot: root))
                }
            }
        }
        #expect(throws: TransparencyError.self) { try t.inclusionProof(index: 40, size: 40) }
        #expect(throws: TransparencyError.self) { try t.consistencyProof(oldSize: 5, newSize: 41) }
    }

    @Test("the stored-subtree tree gives the RFC recursion's roots and proofs at every size up to 70")
    func matchesReference() throws {
        let leaves = (0..<70).map { MerkleTree.leafHash([UInt8($0), 0x5a]) }
        var appended = MerkleTree()
        for n in 0...leaves.count {
            let built = MerkleTree(leafHashes: Array(leaves.prefix(n)))
            #expect(built.size == n && appended.size == n)
            #expect(built.leafHashes == Array(leaves.prefix(n)))
            let reference = n == 0 ? MerkleTree.emptyRoot : ReferenceMerkle.mth(leaves[0..<n])
            #expect(built.root() == reference, "root of \(n)")
            #expect(appended.root() == reference, "root of \(n) after appends")
            for i in 0..<n {
                #expect(try built.inclusionProof(index: i) == ReferenceMerkle.path(i, leaves[0..<n]), "path \(i) of \(n)")
            }
            for m in 1..<max(n, 1) {
                #expect(try built.consistencyProof(oldSize: m) == ReferenceMerkle.subproof(m, leaves[0..<n], true), "\(m) -> \(n)")
            }
            if n < leaves.count { #expect(appended.append(leafHash: leaves[n]) == n) }
        }
    }
}

/// RFC 9162 §2.1 written as the RFC writes it, over slices of leaf hashes: O(n) per root or proof.
/// The reference the stored-subtree `MerkleTree` must agree with.
enum ReferenceMerkle {
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    static func mth(_ d: ArraySlice<[UInt8]>) -> [UInt8] {
        if d.count == 1 { return d[d.startIndex] }
        let k = split(d.count)
        return MerkleTree.nodeHash(mth(d.prefix(k)), mth(d.dropFirst(k)))
    }

    static func path(_ m: Int, _ d: ArraySlice<[UInt8]>) -> [[UInt8]] {
        if d.count <= 1 { return [] }
        let k = split(d.count)
        return m < k ? path(m, d.prefix(k)) + [mth(d.dropFirst(k))] : path(m - k, d.dropFirst(k)) + [mth(d.prefix(k))]
    }

    static func subproof(_ m: Int, _ d: ArraySlice<[UInt8]>, _ complete: Bool) -> [[UInt8]] {
        if m == d.count { return complete ? [] : [mth(d)] }
        let k = split(d.count)
        return m <= k
            ? subproof(m, d.prefix(k), complete) + [mth(d.dropFirst(k))]
            : subproof(m - k, d.dropFirst(k), false) + [mth(d.prefix(k))]
    }
}

@Suite("C2SP checkpoints as Ed25519 signed notes")
struct CheckpointTests {
    @Test("sign, verify, tamper, wrong key")
    func signedNote() throws {
        let (key, _) = try Ed25519PrivateKey.generate()
        var t = MerkleTree()
        for i in 0..<45 { t.append([UInt8(i)]) }
        let checkpoint = try Checkpoint(origin: "greenmark.example/log", size: t.size, root: t.root())
        let note = try checkpoint.signed(name: "greenmark.example/log", key: key)
        #expect(note.hasPrefix("greenmark.example/log\n45\n"))
        #expect(note.contains("\n\n\u{2014} greenmark.example/log "))
        #expect(note.hasSuffix("\n"))
        #expect(try Checkpoint.verify(note: note, name: "greenmark.example/log", publicKey: key.publicKey) == checkpoint)
        #expect(throws: TransparencyError.self) {
            try Checkpoint.verify(
                note: note.replacingOccurrences(of: "\n45\n", with: "\n46\n"), name: "greenmark.example/log", publicKey: key.publicKey)
        }
        let (other, _) = try Ed25519PrivateKey.generate()
        #expect(throws: TransparencyError.self) { try Checkpoint.verify(note: note, name: "greenmark.example/log", publicKey: other.publicKey) }
        // The key ID is SHA-256(name || 0x0A || 0x01 || public key)[0..4], the first 4 bytes of the signature blob.
        let blob = try #require(Data(base64Encoded: String(note.split(separator: " ").last!.dropLast())))
        #expect(
            Array(blob.prefix(4)) == Array(SHA256Digest.hash(Array("greenmark.example/log\n".utf8) + [1] + key.publicKey.rawRepresentation).prefix(4))
        )
        #expect(blob.count == 68)
    }

    @Test("malformed checkpoints are rejected with a code")
    func malformed() {
        for body in [
            "", "origin\n", "origin\n12\n", "origin\nx\nAAAA\n", "origin\n012\n" + Data(count: 32).base64EncodedString() + "\n",
            "origin\n3\nnot base64!\n", "origin\n3\n" + Data(count: 31).base64EncodedString() + "\n",
        ] {
            #expect(throws: TransparencyError.self, "\(body.debugDescription)") { try Checkpoint.parse(body: body) }
        }
    }
}

@Suite("The log key file")
struct LogKeyTests {
    @Test("concurrent first uses agree on one key; the file is private")
    func concurrentCreation() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-logkey-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let origins = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 { group.addTask { try LogKey.loadOrCreate(directory: dir).origin } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(origins.count == 1)
        #expect(try LogKey.loadOrCreate(directory: dir).origin == origins.first)
        let mode = (try FileManager.default.attributesOfItem(atPath: dir + "/log-key.json")[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        #expect(mode & 0o077 == 0)
        // The key and the home lock it was created under; no temporary file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == [HomeLock.fileName, "log-key.json"])
    }

    @Test("with a master key the log key file is sealed; it needs that key to load; a plaintext file is refused until seal() seals it")
    func sealed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-logkey-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let masterKey = try MasterKey.generate()
        let origin = try LogKey.loadOrCreate(directory: dir, masterKey: .key(masterKey)).origin
        #expect(LogKey.isSealed(directory: dir))
        #expect(try LogKey.loadOrCreate(directory: dir, masterKey: .key(masterKey)).origin == origin)
        #expect(throws: TransparencyError(.masterKeyRequired, "")) { try LogKey.loadOrCreate(directory: dir) }
        #expect(throws: TransparencyError(.wrongMasterKey, "")) {
            try LogKey.loadOrCreate(directory: dir, masterKey: .key(try MasterKey.generate()))
        }

        let plain = dir + "-plain"
        defer { try? FileManager.default.removeItem(atPath: plain) }
        let plainOrigin = try LogKey.loadOrCreate(directory: plain).origin
        #expect(!LogKey.isSealed(directory: plain))
        #expect(throws: TransparencyError(.plaintextRefused, "")) {
            try LogKey.loadOrCreate(directory: plain, masterKey: .key(masterKey))
        }
        #expect(!LogKey.isSealed(directory: plain))
        #expect(try LogKey.seal(directory: plain, masterKey: .key(masterKey)))
        #expect(LogKey.isSealed(directory: plain))
        #expect(try LogKey.seal(directory: plain, masterKey: .key(masterKey)) == false)
        #expect(try LogKey.loadOrCreate(directory: plain, masterKey: .key(masterKey)).origin == plainOrigin)
        let mode = (try FileManager.default.attributesOfItem(atPath: plain + "/log-key.json")[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: plain).sorted() == [HomeLock.fileName, "log-key.json"])
    }
}
