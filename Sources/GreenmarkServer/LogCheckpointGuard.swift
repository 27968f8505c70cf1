import Foundation
import GreenmarkCrypto
import GreenmarkStorage
import GreenmarkTransparency
import Logging
import Synchronization

/// Keeps a daemon from ever signing a log that is not a proven extension of what was signed
/// before (`docs/transparency-log.md`, "Never two logs").
///
/// Two records of signed checkpoints are kept: this daemon's last one in its home
/// (`CheckpointRecord`, which survives restarts and anything done to the registry), and one note
/// per tree size in the registry's `log_checkpoint` table (shared by every daemon on one
/// PostgreSQL, so daemons cross-check each other, and kept when a daemon's home is replaced).
/// Before signing (and before a certificate is issued), the tree read from the registry must
/// extend both this daemon's record and the registry's newest checkpoint, by an RFC 9162
/// consistency proof checked against the recorded root; the new note is recorded in the registry
/// (the first note of a size stays) and then in the home before it is served.
///
/// A failure is a refusal with a code (`tlog.inconsistent`, `tlog.equivocation`,
/// `tlog.log_key_mismatch`), and it sticks: the daemon signs nothing, issues nothing (503 with the
/// code) and `/readyz` reports it, until an operator has looked and restarts it.
final class LogCheckpointGuard: Sendable {
    let registry: Registry
    let signer: LogSigner
    let tree: LogTreeCache
    let record: CheckpointRecord
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        /// The refusal, once there is one.
        var refusal: TransparencyError?
        /// This daemon's last signed checkpoint (nil until read, .some(nil) when it never signed).
        var local: Checkpoint??
        /// The registry's newest note as last read, and its checkpoint.
        var shared: (note: String, checkpoint: Checkpoint)?
        /// Whether one check has completed.
        var checked = false
    }

    init(registry: Registry, signer: LogSigner, tree: LogTreeCache = LogTreeCache(), logger: Logger = Logger(label: "greenmarkd.log")) {
        self.registry = registry
        self.signer = signer
        self.tree = tree
        self.record = CheckpointRecord(directory: signer.directory)
        self.logger = logger
    }

    /// The status `/readyz` reports: `"consistent"` once a check passed, `"unchecked"` before, or the refusal's code.
    var status: (ready: Bool, text: String) {
        state.withLock { s in
            if let refusal = s.refusal { return (false, refusal.code.rawValue) }
            return (true, s.checked ? "consistent" : "unchecked")
        }
    }

    /// The current tree, proven to extend every recorded checkpoint, and its signed note, recorded
    /// before it is returned. Blocking: call it off the event loop.
    func signedTree() throws -> (tree: MerkleTree, note: String) {
        let key = try signer.key()  // a broken key file answers before the registry is read, as before
        return try state.withLock { (s) throws -> (tree: MerkleTree, note: String) in
            let tree = try check(&s, key: key)
            let note = try signer.signedCheckpoint(size: tree.size, root: tree.root())
            if case .some(.some(let mine)) = s.local, mine.size == tree.size, mine.root == tree.root() { return (tree, note) }
            let stored = try registry.recordLogCheckpoint(size: tree.size, note: note)
            if stored != note {
                // Another daemon recorded this size first: the same tree, or a split.
                let theirs = try open(stored, key: key, what: "the checkpoint of \(tree.size) leaves another daemon recorded", &s)
                if theirs.root != tree.root() {
                    throw refuse(&s, TransparencyError(.equivocation, "another daemon signed the tree of \(tree.size) leaves with another root"))
                }
            }
            try record.save(note)
            s.local = .some(try Checkpoint(origin: key.origin, size: tree.size, root: tree.root()))
            return (tree, note)
        }
    }

    /// Checks that the current tree extends every recorded checkpoint, signing nothing (before a
    /// certificate is issued, and once at start-up). Blocking.
    func verify() throws {
        // Nothing recorded yet (a new log): nothing to check, and the log key is not needed (nor created).
        let recorded = try state.withLock { (s) throws -> Bool in
            if let refusal = s.refusal { throw refusal }
            if case .some(.some) = s.local { return true }
            if FileManager.default.fileExists(atPath: record.path) { return true }
            return try registry.newestLogCheckpoint() != nil
        }
        guard recorded else { return }
        let key = try signer.key()
        try state.withLock { (s) throws in _ = try check(&s, key: key) }
    }

    /// At start-up: one check when the home has a log key (none is created here), so that `/readyz`
    /// reports a refusal before any request; other failures (the registry unreachable) are left to requests.
    func verifyAtStart() {
        guard FileManager.default.fileExists(atPath: signer.directory + "/" + LogKey.fileName) else { return }
        do { try verify() } catch { logger.error("transparency log check at start-up failed", metadata: ["error": "\(error)"]) }
    }

    /// The tree, proven to extend this daemon's record and the registry's newest checkpoint.
    private func check(_ s: inout State, key: LogKey) throws -> MerkleTree {
        if let refusal = s.refusal { throw refusal }
        // The registry's newest note is read before the leaves: every leaf it covers is committed, so the tree holds them.
        let newest = try registry.newestLogCheckpoint()
        if s.local == nil {
            var mine: Checkpoint?
            if let note = try record.load() { mine = try open(note, key: key, what: "this daemon's last signed checkpoint", &s) }
            s.local = .some(mine)
        }
        if let newest, s.shared?.note != newest {
            let theirs = try open(newest, key: key, what: "the newest checkpoint in the registry", &s)
            s.shared = (newest, theirs)
        }
        let tree = try tree.current(registry)
        for (old, whose) in [(s.local ?? nil, "this daemon's last signed checkpoint"), (s.shared?.checkpoint, "the registry's newest checkpoint")] {
            guard let old else { continue }
            do { try CheckpointConsistency.verify(old: old, extendedBy: tree) } catch {
                throw refuse(&s, TransparencyError(error.code, "\(error.reason) (\(whose)); refusing to sign or issue until the log is repaired"))
            }
        }
        s.checked = true
        return tree
    }

    /// A recorded note opened with the log's key; one that does not verify is a refusal.
    private func open(_ note: String, key: LogKey, what: String, _ s: inout State) throws -> Checkpoint {
        do {
            return try Checkpoint.open(
                note: Array(note.utf8), origin: key.origin,
                verifier: SignedNote.Verifier(name: key.origin, publicKey: key.key.publicKey)
            ).checkpoint
        } catch {
            throw refuse(&s, TransparencyError(.logKeyMismatch, "\(what) does not verify with the log key \(key.origin): \(error.reason)"))
        }
    }

    private func refuse(_ s: inout State, _ error: TransparencyError) -> TransparencyError {
        s.refusal = error
        logger.critical("the transparency log is refused", metadata: ["code": "\(error.code.rawValue)", "reason": "\(error.reason)"])
        return error
    }
}
