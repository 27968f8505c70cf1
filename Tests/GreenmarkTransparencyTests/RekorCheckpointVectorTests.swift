import Foundation
import GreenmarkCrypto
import GreenmarkTestSupport
import GreenmarkTransparency
import Testing

/// `Checkpoint.open` against the Rekor v2 checkpoints of sigstore-conformance
/// (`../shared/external-vectors/sigstore-rekor2-checkpoints`, read at run time, never copied): real
/// C2SP checkpoints signed by an Ed25519 log key, some cosigned by witnesses Greenmark does not know.
/// The 6 valid ones open (origin, size and root read, the log's signature checked, witness and
/// foreign-key lines ignored) and their entry's inclusion proof reaches the root; the 5 broken ones
/// are refused.
@Suite(
    "Sigstore Rekor v2 checkpoints (sigstore-conformance)",
    .enabled(
        if: ExternalVectors.enabled("sigstore-rekor2-checkpoints"),
        "needs ../shared/external-vectors/sigstore-rekor2-checkpoints (never copied here); always runs when CI is set"))
struct RekorCheckpointVectorTests {
    struct Vectors: Decodable {
        struct Case: Decodable {
            struct Log: Decodable {
                let origin_expected, public_key_pkix_b64, public_key_raw_hex, log_id_hex, signature_key_hint_hex, c2sp_recommended_key_id_hex: String
            }
            struct Proof: Decodable {
                let log_index, tree_size: Int
                let root_hash_b64, leaf_canonicalized_body_b64, leaf_hash_hex: String
                let hashes_b64: [String]
            }
            let `case`: String
            let expect_bundle_valid: Bool
            let checkpoint_envelope: String
            let log: Log
            let inclusion_proof: Proof
        }
        let cases: [Case]
    }

    /// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the raw key follows it.
    static let ed25519SPKIPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    @Test("6 valid checkpoints open with the log key (witness lines ignored) and prove their entry; 5 broken ones are refused")
    func checkpoints() throws {
        let cases = try JSONDecoder().decode(Vectors.self, from: ExternalVectors.data("sigstore-rekor2-checkpoints", "rekor2_checkpoints.json")).cases
        var (valid, invalid) = (0, 0)
        for c in cases {
            let raw = try Hex.decode(c.log.public_key_raw_hex)
            #expect(Data(base64Encoded: c.log.public_key_pkix_b64).map(Array.init) == Self.ed25519SPKIPrefix + raw, "\(c.case)")
            let verifier = try SignedNote.Verifier(name: c.log.origin_expected, publicKey: Ed25519PublicKey(rawRepresentation: raw))
            // Rekor v2's log ID is the whole SHA-256 whose first 4 bytes are the C2SP key ID.
            let logID = SHA256Digest.hash(Array(c.log.origin_expected.utf8) + [0x0A, 0x01] + raw)
            #expect(Hex.encode(logID) == c.log.log_id_hex && Hex.encode(verifier.keyID) == c.log.c2sp_recommended_key_id_hex, "\(c.case)")
            #expect(c.log.signature_key_hint_hex == c.log.c2sp_recommended_key_id_hex)
            let note = Array(c.checkpoint_envelope.utf8)
            if c.expect_bundle_valid {
                let (checkpoint, opened) = try Checkpoint.open(note: note, origin: c.log.origin_expected, verifier: verifier)
                let p = c.inclusion_proof
                #expect(checkpoint.size == p.tree_size && Data(checkpoint.root).base64EncodedString() == p.root_hash_b64, "\(c.case)")
                #expect(opened.verified.count == 1, "\(c.case)")
                // Every other line (witness cosignatures, a second origin-named key) is unknown and ignored.
                let lines = c.checkpoint_envelope.components(separatedBy: "\n\u{2014} ").count - 1
                #expect(opened.unverified.count == lines - 1, "\(c.case)")
                let leaf = MerkleTree.leafHash(try #require(Data(base64Encoded: p.leaf_canonicalized_body_b64)))
                #expect(Hex.encode(leaf) == p.leaf_hash_hex, "\(c.case)")
                let path = try p.hashes_b64.map { Array(try #require(Data(base64Encoded: $0))) }
                let (size, root) = (checkpoint.size, checkpoint.root)
                #expect(MerkleProof.verifyInclusion(leafHash: leaf, index: p.log_index, size: size, proof: path, root: root), "\(c.case)")
                #expect(!MerkleProof.verifyInclusion(leafHash: leaf, index: p.log_index - 1, size: size, proof: path, root: root))
                valid += 1
            } else {
                #expect(throws: TransparencyError.self, "\(c.case)") {
                    try Checkpoint.open(note: note, origin: c.log.origin_expected, verifier: verifier)
                }
                invalid += 1
            }
        }
        #expect(cases.count == 11 && valid == 6 && invalid == 5)
    }
}
