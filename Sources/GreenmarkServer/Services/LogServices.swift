import GreenmarkStorage
import GreenmarkTransparency

/// What the transparency log's routes need: the registry (the log's leaves), the daemon's copy of
/// the tree and the log's key and signed checkpoint.
struct LogServices: Sendable {
    let registry: Registry
    /// The transparency log's key and latest signed checkpoint, re-read when the key file changes.
    let logSigner: LogSigner
    /// The transparency log's tree, updated from the registry per use.
    let logTree = LogTreeCache()

    /// The log's key (a broken key file is a 503 with its code).
    func key() async throws -> LogKey {
        try await offload { [logSigner] in try logSigner.key() }
    }

    /// `body` applied to the whole tree (from the daemon's cache, brought up to date from the
    /// registry) and its signed checkpoint (kept while the tree and the key file are unchanged),
    /// off the event loop.
    func withCurrentTree<T: Sendable>(_ body: @escaping @Sendable (MerkleTree, String) throws -> T) async throws -> T {
        try await offload { [self] in
            _ = try logSigner.key()  // a broken key file answers before the registry is read, as before
            let tree = try logTree.current(registry)
            let note = try logSigner.signedCheckpoint(size: tree.size, root: tree.root())
            return try body(tree, note)
        }
    }
}
