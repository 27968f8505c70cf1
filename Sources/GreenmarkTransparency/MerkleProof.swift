/// Verification of RFC 9162 proofs, needing nothing but hashes (what an offline verifier runs).
public enum MerkleProof {
    /// Whether `proof` shows the leaf with hash `leafHash` at `index` in the tree of `size` leaves with `root` (RFC 9162 §2.1.3.2).
    public static func verifyInclusion(leafHash: [UInt8], index: Int, size: Int, proof: [[UInt8]], root: [UInt8]) -> Bool {
        guard index >= 0, index < size, leafHash.count == 32, root.count == 32, proof.allSatisfy({ $0.count == 32 }) else { return false }
        var r = leafHash
        return walk(proof, fn: index, sn: size - 1) { p, onLeft in
            r = onLeft ? MerkleTree.nodeHash(p, r) : MerkleTree.nodeHash(r, p)
        } && r == root
    }

    /// Whether `proof` shows that the tree of `oldSize` leaves with `oldRoot` is a prefix of the
    /// tree of `newSize` leaves with `newRoot` (RFC 9162 §2.1.4.2).
    public static func verifyConsistency(oldSize: Int, newSize: Int, proof: [[UInt8]], oldRoot: [UInt8], newRoot: [UInt8]) -> Bool {
        // One non-empty tree size: consistent exactly when the proof is empty and the roots are equal,
        // whatever their length (RFC 9162 §2.1.4.2; transparency-dev's probes test equal 12-byte roots).
        if oldSize >= 1, oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        guard oldSize >= 0, oldSize <= newSize, oldRoot.count == 32, newRoot.count == 32, proof.allSatisfy({ $0.count == 32 }) else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty }
        guard !proof.isEmpty else { return false }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        let complete = walk(path.dropFirst(), fn: fn, sn: sn) { c, onLeft in
            if onLeft {
                fr = MerkleTree.nodeHash(c, fr)
                sr = MerkleTree.nodeHash(c, sr)
            } else {
                sr = MerkleTree.nodeHash(sr, c)
            }
        }
        return fr == oldRoot && sr == newRoot && complete
    }

    /// The loop both verifications share (RFC 9162 §2.1.3.2 and §2.1.4.2): walks `path` up from
    /// node `fn` of a tree whose last node is `sn`, calling `step(hash, onLeft)` for each hash
    /// (`onLeft` when it is the left sibling); true when the path ends exactly at the root.
    private static func walk(_ path: some Sequence<[UInt8]>, fn start: Int, sn last: Int, _ step: ([UInt8], Bool) -> Void) -> Bool {
        var fn = start
        var sn = last
        for p in path {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                step(p, true)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                step(p, false)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0
    }
}
