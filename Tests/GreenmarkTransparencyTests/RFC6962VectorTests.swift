import Foundation
import GreenmarkCrypto
import GreenmarkTestSupport
import GreenmarkTransparency
import Testing

/// `MerkleProof` and `MerkleTree` against transparency-dev/merkle's published RFC 6962 / 9162 probes
/// (`../shared/external-vectors/rfc6962-merkle`: `testdata/inclusion`, `testdata/consistency` and the
/// reference tree of `testonly/constants.go`; read at run time, never copied): every valid probe
/// verifies, every must-fail probe is rejected, the reference tree's roots and the valid probes'
/// proofs are what `MerkleTree` computes.
@Suite(
    "RFC 6962 Merkle probes (transparency-dev/merkle)",
    .enabled(
        if: ExternalVectors.enabled("rfc6962-merkle"),
        "needs ../shared/external-vectors/rfc6962-merkle (never copied here); always runs when CI is set"))
struct RFC6962VectorTests {
    static let folder = "rfc6962-merkle"

    /// Indices and sizes are Go `uint64`s: two probes have leaf index 2^64 - 1 (0 minus 1), which
    /// reaches the `Int` API wrapped to -1 (`Int(truncatingIfNeeded:)`) and must be rejected there.
    struct InclusionProbe: Decodable {
        let leafIdx: UInt64
        let treeSize: UInt64
        let root: String
        let leafHash: String
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }

    struct ConsistencyProbe: Decodable {
        let size1: UInt64
        let size2: UInt64
        let root1: String
        let root2: String
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }

    struct Tree: Decodable {
        let leaf_inputs_hex: [String]
        let node_hashes_by_level: [[String]]
        let root_hashes_by_tree_size: [String]
    }

    static func bytes(_ base64: String) throws -> [UInt8] {
        try Array(#require(Data(base64Encoded: base64), "not base64: \(base64)"))
    }

    static func referenceTree() throws -> MerkleTree {
        let tree = try JSONDecoder().decode(Tree.self, from: ExternalVectors.data(folder, "tree.json"))
        var t = MerkleTree()
        for leaf in tree.leaf_inputs_hex { t.append(try Hex.decode(leaf)) }
        return t
    }

    @Test("inclusion: the 6 valid probes verify, the 92 must-fail probes are rejected, and MerkleTree gives the valid proofs")
    func inclusion() throws {
        let files = ExternalVectors.files(Self.folder, under: "inclusion", suffix: ".json")
        let tree = try Self.referenceTree()
        var (valid, invalid, regenerated) = (0, 0, 0)
        for file in files {
            let p = try JSONDecoder().decode(InclusionProbe.self, from: ExternalVectors.data(Self.folder, file))
            let (index, size) = (Int(truncatingIfNeeded: p.leafIdx), Int(truncatingIfNeeded: p.treeSize))
            let proof = try (p.proof ?? []).map(Self.bytes)
            let root = try Self.bytes(p.root)
            let leaf = try Self.bytes(p.leafHash)
            let accepted = MerkleProof.verifyInclusion(leafHash: leaf, index: index, size: size, proof: proof, root: root)
            #expect(accepted == !p.wantErr, "\(file): \(p.desc)")
            if p.wantErr { invalid += 1 } else { valid += 1 }
            if !p.wantErr, size <= tree.size, tree.root(size: size) == root {
                #expect(try tree.inclusionProof(index: index, size: size) == proof, "\(file)")
                #expect(tree.leafHash(at: index) == leaf, "\(file)")
                regenerated += 1
            }
        }
        #expect(files.count == 98 && valid == 6 && invalid == 92)
        #expect(regenerated == 5, "the happy paths of folders 0-4 are proofs in the reference tree")
    }

    @Test(
        "consistency: the 6 valid probes verify (two equal 12-byte roots included), the 92 must-fail probes are rejected, MerkleTree gives the valid proofs"
    )
    func consistency() throws {
        let files = ExternalVectors.files(Self.folder, under: "consistency", suffix: ".json")
        let tree = try Self.referenceTree()
        var (valid, invalid, regenerated) = (0, 0, 0)
        for file in files {
            let p = try JSONDecoder().decode(ConsistencyProbe.self, from: ExternalVectors.data(Self.folder, file))
            let (size1, size2) = (Int(truncatingIfNeeded: p.size1), Int(truncatingIfNeeded: p.size2))
            let proof = try (p.proof ?? []).map(Self.bytes)
            let root1 = try Self.bytes(p.root1)
            let root2 = try Self.bytes(p.root2)
            let accepted = MerkleProof.verifyConsistency(oldSize: size1, newSize: size2, proof: proof, oldRoot: root1, newRoot: root2)
            #expect(accepted == !p.wantErr, "\(file): \(p.desc)")
            if p.wantErr { invalid += 1 } else { valid += 1 }
            if !p.wantErr, size2 <= tree.size, tree.root(size: size1) == root1, tree.root(size: size2) == root2 {
                #expect(try tree.consistencyProof(oldSize: size1, newSize: size2) == proof, "\(file)")
                regenerated += 1
            }
        }
        #expect(files.count == 98 && valid == 6 && invalid == 92)
        #expect(regenerated == 5, "the happy paths of folders 0-4 are proofs in the reference tree")
    }

    @Test("tree.json: the roots at every size 0...8, every complete subtree's hash and the hasher vectors are MerkleTree's")
    func referenceTree() throws {
        let data = try ExternalVectors.data(Self.folder, "tree.json")
        let published = try JSONDecoder().decode(Tree.self, from: data)
        let tree = try Self.referenceTree()
        #expect(published.root_hashes_by_tree_size.count == 9 && tree.size == 8)
        for (size, root) in published.root_hashes_by_tree_size.enumerated() {
            #expect(Hex.encode(tree.root(size: size)) == root, "size \(size)")
        }
        // Level h holds the roots of the complete subtrees of 2^h leaves: the root of those leaves alone.
        var nodes = 0
        for (level, hashes) in published.node_hashes_by_level.enumerated() {
            let width = 1 << level
            for (i, hash) in hashes.enumerated() {
                let leaves = (i * width..<(i + 1) * width).map { tree.leafHash(at: $0) }
                #expect(Hex.encode(MerkleTree(leafHashes: leaves).root()) == hash, "level \(level) node \(i)")
                nodes += 1
            }
        }
        #expect(nodes == 8 + 4 + 2 + 1)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let hasher = try #require(object["hasher_vectors"] as? [String: Any])
        func want(_ vector: String, _ field: String) -> String? { (hasher[vector] as? [String: String])?[field] }
        #expect(Hex.encode(MerkleTree.emptyRoot) == want("empty_tree_root", "want"))
        #expect(Hex.encode(MerkleTree.leafHash([UInt8]())) == want("empty_leaf", "want_leaf_hash"))
        #expect(Hex.encode(MerkleTree.leafHash(Array("L123456".utf8))) == want("leaf", "want_leaf_hash"))
        #expect(Hex.encode(MerkleTree.nodeHash(Array("N123".utf8), Array("N456".utf8))) == want("node", "want_node_hash"))
    }
}
