import GreenmarkStorage
import GreenmarkTransparency
import Synchronization

/// The transparency log's Merkle tree, kept in memory and brought up to date from the registry
/// on each use.
///
/// Each use reads only the leaves appended since the last one (plus the last cached leaf, to
/// notice a registry that no longer holds the cached leaves: then the tree is rebuilt), and each
/// leaf is hashed into the tree once. A checkpoint or proof then costs O(log² n) hashes, where
/// rebuilding per request read and hashed all n leaves. Leaves are append-only and numbered
/// densely in commit order, also with several daemons on one PostgreSQL (`docs/scale-out.md`),
/// so the leaves from index n on are exactly what a tree of n leaves lacks.
public final class LogTreeCache: Sendable {
    private let tree = Mutex(MerkleTree())

    public init() {}

    /// The tree over every leaf the registry holds now.
    public func current(_ registry: Registry) throws(StorageError) -> MerkleTree {
        let (size, last) = tree.withLock { t in (t.size, t.size > 0 ? t.leafHash(at: t.size - 1) : nil) }
        let fresh = try registry.logLeafHashes(from: max(size - 1, 0))
        if let last, fresh.first != last {
            let rebuilt = MerkleTree(leafHashes: try registry.logLeafHashes())
            tree.withLock { $0 = rebuilt }
            return rebuilt
        }
        return tree.withLock { t in
            // Skips leaves another request appended meanwhile.
            for (offset, hash) in fresh.dropFirst(last == nil ? 0 : 1).enumerated() where t.size == size + offset {
                t.append(leafHash: hash)
            }
            return t
        }
    }
}
