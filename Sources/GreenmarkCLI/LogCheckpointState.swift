import ArgumentParser
import Foundation
import GreenmarkCrypto
import GreenmarkTransparency

/// `greenmark verify --checkpoint-state FILE`: the newest signed checkpoint of the log this
/// verifier has seen, kept in a local file (the signed note, written through `AtomicFileWriter`),
/// so that a log showing it a different history is noticed (`docs/transparency-log.md`).
///
/// The checkpoint of a certificate's inclusion proof is compared with the kept one: one size must
/// have one root; a newer checkpoint needs the consistency proof from the kept one (the JSON of
/// `/v1/log/consistency?old=KEPT`, `--log-consistency`) and then replaces it; an older one needs the
/// proof from its size to the kept one. The first checkpoint seen is kept as it is.
struct LogCheckpointState {
    let path: String

    /// The signed checkpoint of inclusion evidence (the JSON of `/v1/log/proof/{id}`).
    static func note(ofEvidence evidence: [UInt8]) -> String? {
        struct Evidence: Decodable { let checkpoint: String }
        return (try? JSONDecoder().decode(Evidence.self, from: Data(evidence)))?.checkpoint
    }

    /// The checks for the inclusion proof's checkpoint `seenNote` (already verified with `key`),
    /// updating the state file when it is newer and consistent. Throws only when the state file
    /// cannot be written.
    func check(seenNote: String, consistency evidence: [UInt8]?, key: [UInt8]) throws -> [LogConsistencyCheck.Result] {
        let invalid = LogConsistencyCheck.Code.invalid.rawValue
        guard let verifier = LogConsistencyCheck.key(key),
            let seen = try? Checkpoint.open(note: Array(seenNote.utf8), origin: verifier.name, verifier: verifier).checkpoint
        else {
            return [.init(code: invalid, passed: false, detail: "the inclusion proof's checkpoint does not verify with the log key")]
        }
        guard let keptBytes = FileManager.default.contents(atPath: path) else {
            try keep(seenNote)
            return [
                .init(
                    code: LogConsistencyCheck.Code.valid.rawValue, passed: true,
                    detail: "first checkpoint seen (\(seen.size) leaves), kept in \(path)")
            ]
        }
        let kept: Checkpoint
        do { kept = try Checkpoint.open(note: Array(keptBytes), origin: verifier.name, verifier: verifier).checkpoint } catch {
            return [
                .init(
                    code: LogInclusionCheck.Code.checkpointInvalid.rawValue, passed: false,
                    detail: "the checkpoint kept in \(path) does not verify with this log key: \(error.reason)")
            ]
        }
        if seen.size == kept.size { return [LogConsistencyCheck.consistency(old: kept, new: seen, proof: nil)] }
        guard let evidence else {
            let (from, to) = seen.size > kept.size ? (kept.size, seen.size) : (seen.size, kept.size)
            return [
                .init(
                    code: LogConsistencyCheck.Code.missing.rawValue, passed: false,
                    detail: "the checkpoint has \(seen.size) leaves, the one seen before \(kept.size): give --log-consistency with "
                        + "the proof from \(from) to \(to) leaves (/v1/log/consistency?old=\(from))")
            ]
        }
        guard let proof = LogConsistencyCheck.evidence(evidence) else {
            return [
                .init(
                    code: LogConsistencyCheck.Code.evidenceInvalid.rawValue, passed: false,
                    detail: "the consistency evidence is not the JSON of /v1/log/consistency")
            ]
        }
        let hashes = (proof.oldSize, proof.newSize, proof.proof)
        let result =
            seen.size > kept.size
            ? LogConsistencyCheck.consistency(old: kept, new: seen, proof: hashes)
            : LogConsistencyCheck.consistency(old: seen, new: kept, proof: hashes)
        if result.passed, seen.size > kept.size { try keep(seenNote) }
        return [result]
    }

    private func keep(_ note: String) throws {
        do { try AtomicFileWriter.write(Data(note.utf8), to: path, access: .public) } catch {
            FileHandle.standardError.write(Data("greenmark: error: cannot write \(path): \(error.reason)\n".utf8))
            throw ExitCode(2)
        }
    }
}
