import Foundation
import GreenmarkCrypto

/// Offline check that a certificate is in the transparency log: the evidence is the JSON of
/// `GET /v1/log/proof/{id}` (leaf index, tree size, audit path, signed checkpoint) and the key is
/// the JSON of `GET /v1/log/key` (origin and Ed25519 public key), both saved by the verifier.
public enum LogInclusionCheck {
    /// The stable codes of the log checks (`docs/transparency-log.md`); `certs/verify.html` reports the same.
    public enum Code: String, CaseIterable, Sendable {
        /// The log key file is not the JSON of `/v1/log/key`.
        case keyInvalid = "log.key.invalid"
        /// The inclusion evidence is not the JSON of `/v1/log/proof/{id}`.
        case evidenceInvalid = "log.evidence.invalid"
        /// The checkpoint is signed by the log's key.
        case checkpointValid = "log.checkpoint.valid"
        /// The checkpoint does not parse or its signature does not verify.
        case checkpointInvalid = "log.checkpoint.invalid"
        /// The certificate is the leaf the proof names in the signed tree.
        case inclusionValid = "log.inclusion.valid"
        /// The proof is for another tree size, or the certificate is not that leaf.
        case inclusionInvalid = "log.inclusion.invalid"
    }

    /// One check, with a stable code (a `Code`'s string).
    public struct Result: Sendable, Equatable {
        public let code: String
        public let passed: Bool
        public let detail: String

        init(_ code: Code, passed: Bool, detail: String) {
            self.code = code.rawValue
            self.passed = passed
            self.detail = detail
        }
    }

    struct Evidence: Decodable {
        let leaf_index: Int
        let tree_size: Int
        let proof: [String]
        let checkpoint: String
    }

    struct Key: Decodable {
        let origin: String
        let public_key: String
    }

    /// The checks, in order; the first failure ends them. All passed means the certificate file
    /// `certificate` is leaf `leaf_index` of the tree the log's key signed.
    public static func verify(certificate: [UInt8], evidence: [UInt8], key: [UInt8]) -> [Result] {
        var out: [Result] = []
        guard let k = try? JSONDecoder().decode(Key.self, from: Data(key)),
            let raw = Data(base64Encoded: k.public_key), let publicKey = try? Ed25519PublicKey(rawRepresentation: Array(raw))
        else {
            return [Result(.keyInvalid, passed: false, detail: "the log key file is not the JSON of /v1/log/key")]
        }
        guard let e = try? JSONDecoder().decode(Evidence.self, from: Data(evidence)),
            let proof = try? e.proof.map({ try Hex.decode($0) })
        else {
            return [Result(.evidenceInvalid, passed: false, detail: "the inclusion evidence is not the JSON of /v1/log/proof/{id}")]
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.verify(note: e.checkpoint, name: k.origin, publicKey: publicKey)
            out.append(Result(.checkpointValid, passed: true, detail: "checkpoint of \(checkpoint.size) leaves signed by \(k.origin)"))
        } catch {
            out.append(Result(.checkpointInvalid, passed: false, detail: error.reason))
            return out
        }
        guard checkpoint.size == e.tree_size else {
            out.append(
                Result(
                    .inclusionInvalid, passed: false,
                    detail: "the proof is for \(e.tree_size) leaves, the checkpoint has \(checkpoint.size)"))
            return out
        }
        // The leaf as logged now (v2, the signed parts) or as logged before v2 (v1, the file's bytes).
        if let version = LogLeaf.candidateHashes(certificate: certificate).firstIndex(where: {
            MerkleProof.verifyInclusion(leafHash: $0, index: e.leaf_index, size: e.tree_size, proof: proof, root: checkpoint.root)
        }) {
            let form = LogLeaf.v2Input(certificate: certificate) != nil && version == 0 ? "v2 leaf" : "v1 leaf"
            out.append(Result(.inclusionValid, passed: true, detail: "the certificate is leaf \(e.leaf_index) of \(e.tree_size) (\(form))"))
        } else {
            out.append(Result(.inclusionInvalid, passed: false, detail: "the certificate is not leaf \(e.leaf_index) of the signed tree"))
        }
        return out
    }
}
