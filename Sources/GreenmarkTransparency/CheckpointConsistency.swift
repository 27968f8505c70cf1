/// Whether one signed checkpoint of a log extends another: what a daemon checks before it signs a
/// new tree and what a monitor checks offline (`greenmark log verify-consistency`).
///
/// The checkpoints' signatures are checked by the caller (`Checkpoint.verify`); this compares the
/// trees they name, with an RFC 9162 §2.1.4.2 consistency proof (`MerkleProof.verifyConsistency`).
public enum CheckpointConsistency {
    /// Succeeds when `new` is a proven extension of `old`: the same origin, a size at least as
    /// large, and `proof` shows that the tree of `old.size` leaves with `old.root` is a prefix of
    /// the tree of `new.size` leaves with `new.root`. One size with two roots is
    /// `tlog.equivocation`; anything else that fails is `tlog.inconsistent`.
    public static func verify(old: Checkpoint, new: Checkpoint, proof: [[UInt8]]) throws(TransparencyError) {
        guard old.origin == new.origin else {
            throw TransparencyError(.inconsistent, "the checkpoints are of two logs (\(old.origin), \(new.origin))")
        }
        if old.size == new.size, old.root != new.root {
            throw TransparencyError(.equivocation, "two checkpoints of \(old.size) leaves with different roots")
        }
        guard old.size <= new.size else {
            throw TransparencyError(.inconsistent, "the newer checkpoint has \(new.size) leaves, fewer than the \(old.size) signed before")
        }
        guard MerkleProof.verifyConsistency(oldSize: old.size, newSize: new.size, proof: proof, oldRoot: old.root, newRoot: new.root) else {
            throw TransparencyError(
                .inconsistent,
                "the tree of \(new.size) leaves is not a proven extension of the tree of \(old.size) signed before")
        }
    }

    /// Succeeds when `tree` (all of it) is a proven extension of the signed `old`: the proof is the
    /// tree's own consistency proof from `old.size`, verified against `old`'s root, so a tree whose
    /// first `old.size` leaves changed since `old` was signed fails.
    public static func verify(old: Checkpoint, extendedBy tree: MerkleTree) throws(TransparencyError) {
        guard old.size <= tree.size else {
            throw TransparencyError(.inconsistent, "the log holds \(tree.size) leaves, fewer than the \(old.size) of a checkpoint signed before")
        }
        let new = try Checkpoint(origin: old.origin, size: tree.size, root: tree.root())
        try verify(old: old, new: new, proof: try tree.consistencyProof(oldSize: old.size))
    }
}
