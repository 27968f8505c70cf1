import GreenmarkStorage
import GreenmarkTransparency

/// What the transparency log's routes need: the registry (the log's leaves), the daemon's copy of
/// the tree, the log's key and signed checkpoint, and the guard that signs only proven extensions
/// of the checkpoints signed before (`LogCheckpointGuard`).
struct LogServices: Sendable {
    let registry: Registry
    /// Signs only trees that extend every recorded checkpoint; holds the signer and the tree.
    let checkpoints: LogCheckpointGuard

    init(registry: Registry, checkpoints: LogCheckpointGuard) {
        self.registry = registry
        self.checkpoints = checkpoints
    }

    /// The transparency log's key and latest signed checkpoint, re-read when the key file changes.
    var logSigner: LogSigner { checkpoints.signer }

    /// The log's key (a broken key file is a 503 with its code).
    func key() async throws -> LogKey {
        try await offload { [logSigner] in try logSigner.key() }
    }

    /// `body` applied to the whole tree (from the daemon's cache, brought up to date from the
    /// registry) and its signed checkpoint, off the event loop. The tree must be a proven
    /// extension of every checkpoint signed before (else 503 with the refusal's code).
    func withCurrentTree<T: Sendable>(_ body: @escaping @Sendable (MerkleTree, String) throws -> T) async throws -> T {
        try await offload { [checkpoints] in
            let (tree, note) = try checkpoints.signedTree()
            return try body(tree, note)
        }
    }
}
