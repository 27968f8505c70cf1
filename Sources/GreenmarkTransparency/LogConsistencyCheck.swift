import Foundation
import GreenmarkCrypto

/// Offline check that two signed checkpoints of a log agree: the newer tree is a proven extension
/// of the older one (RFC 9162 §2.1.4.2), what a monitor runs (`greenmark log verify-consistency`)
/// and what `greenmark verify --checkpoint-state` runs against the newest checkpoint it has seen.
///
/// The checkpoints are signed notes (`GET /v1/log/checkpoint`, or the `checkpoint` of a proof),
/// the evidence is the JSON of `GET /v1/log/consistency?old=N` (`old_size`, `new_size`, `proof` as
/// hex, and optionally the newer `checkpoint`), the key the JSON of `GET /v1/log/key`.
public enum LogConsistencyCheck {
    /// The stable codes of the consistency checks (`docs/transparency-log.md`), besides
    /// `LogInclusionCheck`'s `log.key.invalid`, `log.checkpoint.valid` and `log.checkpoint.invalid`.
    public enum Code: String, CaseIterable, Sendable {
        /// The consistency evidence is not the JSON of `/v1/log/consistency`.
        case evidenceInvalid = "log.consistency.evidence_invalid"
        /// The newer checkpoint's tree extends the older one's.
        case valid = "log.consistency.valid"
        /// It does not: the proof fails, the newer tree is smaller, or one size has two roots.
        case invalid = "log.consistency.invalid"
        /// A newer checkpoint came without the consistency proof from the one seen before.
        case missing = "log.consistency.missing"
    }

    /// One check, with a stable code.
    public struct Result: Sendable, Equatable {
        public let code: String
        public let passed: Bool
        public let detail: String

        public init(code: String, passed: Bool, detail: String) {
            (self.code, self.passed, self.detail) = (code, passed, detail)
        }
    }

    /// The JSON of `/v1/log/consistency?old=N`.
    struct Evidence: Decodable {
        let old_size: Int
        let new_size: Int
        let proof: [String]
        let checkpoint: String?
    }

    struct Key: Decodable {
        let origin: String
        let public_key: String
    }

    /// The consistency proof in `evidence` (the JSON of `/v1/log/consistency`), with its sizes and
    /// newer checkpoint; nil when it is not that JSON.
    public static func evidence(_ bytes: [UInt8]) -> (oldSize: Int, newSize: Int, proof: [[UInt8]], checkpoint: String?)? {
        guard let e = try? JSONDecoder().decode(Evidence.self, from: Data(bytes)), let proof = try? e.proof.map({ try Hex.decode($0) }) else {
            return nil
        }
        return (e.old_size, e.new_size, proof, e.checkpoint)
    }

    /// The log's origin and public key from the JSON of `/v1/log/key`, or nil.
    public static func key(_ bytes: [UInt8]) -> SignedNote.Verifier? {
        guard let k = try? JSONDecoder().decode(Key.self, from: Data(bytes)), let raw = Data(base64Encoded: k.public_key),
            let publicKey = try? Ed25519PublicKey(rawRepresentation: Array(raw))
        else { return nil }
        return try? SignedNote.Verifier(name: k.origin, publicKey: publicKey)
    }

    /// The checks, in order; the first failure ends them. `new` defaults to the evidence's
    /// checkpoint; without `evidence` the two checkpoints must be of one tree (same size and root).
    /// All passed means both checkpoints are signed by the log's key and the newer extends the older.
    public static func verify(old: [UInt8], new: [UInt8]?, evidence: [UInt8]?, key: [UInt8]) -> [Result] {
        guard let verifier = Self.key(key) else {
            return [
                Result(
                    code: LogInclusionCheck.Code.keyInvalid.rawValue, passed: false,
                    detail: "the log key file is not the JSON of /v1/log/key")
            ]
        }
        var proof: (oldSize: Int, newSize: Int, proof: [[UInt8]], checkpoint: String?)?
        if let evidence {
            guard let parsed = Self.evidence(evidence) else {
                return [
                    Result(
                        code: Code.evidenceInvalid.rawValue, passed: false,
                        detail: "the consistency evidence is not the JSON of /v1/log/consistency")
                ]
            }
            proof = parsed
        }
        guard let newNote = new ?? proof?.checkpoint.map({ Array($0.utf8) }) else {
            return [Result(code: Code.evidenceInvalid.rawValue, passed: false, detail: "no newer checkpoint: give one, or evidence that holds one")]
        }
        var out: [Result] = []
        var checkpoints: [Checkpoint] = []
        for (note, which) in [(old, "older"), (newNote, "newer")] {
            do {
                let checkpoint = try Checkpoint.open(note: note, origin: verifier.name, verifier: verifier).checkpoint
                checkpoints.append(checkpoint)
                out.append(
                    Result(
                        code: LogInclusionCheck.Code.checkpointValid.rawValue, passed: true,
                        detail: "\(which) checkpoint of \(checkpoint.size) leaves signed by \(verifier.name)"))
            } catch {
                out.append(
                    Result(
                        code: LogInclusionCheck.Code.checkpointInvalid.rawValue, passed: false,
                        detail: "\(which) checkpoint: \(error.reason)"))
                return out
            }
        }
        out.append(consistency(old: checkpoints[0], new: checkpoints[1], proof: proof.map { ($0.oldSize, $0.newSize, $0.proof) }))
        return out
    }

    /// Whether `new` extends `old` by `proof` (whose sizes must be the checkpoints'); an empty
    /// proof when there is none, which holds only for one tree.
    public static func consistency(old: Checkpoint, new: Checkpoint, proof: (oldSize: Int, newSize: Int, hashes: [[UInt8]])?) -> Result {
        if let proof, proof.oldSize != old.size || proof.newSize != new.size {
            return Result(
                code: Code.invalid.rawValue, passed: false,
                detail: "the proof is from \(proof.oldSize) to \(proof.newSize) leaves, the checkpoints have \(old.size) and \(new.size)")
        }
        do {
            try CheckpointConsistency.verify(old: old, new: new, proof: proof?.hashes ?? [])
            return Result(code: Code.valid.rawValue, passed: true, detail: "the tree of \(new.size) leaves extends the tree of \(old.size)")
        } catch {
            return Result(code: Code.invalid.rawValue, passed: false, detail: "\(error.code.rawValue): \(error.reason)")
        }
    }
}
