import Foundation
import GreenmarkCrypto
import GreenmarkStorage
import GreenmarkTransparency
import HTTPTypes
import Hummingbird

/// The transparency log over HTTP (public, like `/v1/trust`): the signed checkpoint, the log's
/// verifier key, a certificate's inclusion proof and consistency proofs (`docs/transparency-log.md`).
enum LogRoutes {
    struct KeyResponse: ResponseEncodable {
        let origin: String
        let verifierKey: String
        let publicKey: String

        enum CodingKeys: String, CodingKey {
            case origin
            case verifierKey = "verifier_key"
            case publicKey = "public_key"
        }
    }

    struct InclusionResponse: ResponseEncodable {
        let certificateID: String
        let leafIndex: Int
        let treeSize: Int
        let leafHash: String
        let proof: [String]
        let checkpoint: String

        enum CodingKeys: String, CodingKey {
            case certificateID = "certificate_id"
            case leafIndex = "leaf_index"
            case treeSize = "tree_size"
            case leafHash = "leaf_hash"
            case proof, checkpoint
        }
    }

    struct ConsistencyResponse: ResponseEncodable {
        let oldSize: Int
        let newSize: Int
        let proof: [String]
        let checkpoint: String

        enum CodingKeys: String, CodingKey {
            case oldSize = "old_size"
            case newSize = "new_size"
            case proof, checkpoint
        }
    }

    static func register(on router: Router<GreenmarkRequestContext>, services: GreenmarkServices) {
        router.get("/v1/log/checkpoint") { _, _ -> Response in
            let (_, note) = try current(services)
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: note)))
        }

        router.get("/v1/log/key") { _, _ -> KeyResponse in
            let key = try logKey(services)
            return KeyResponse(origin: key.origin, verifierKey: key.verifierKey,
                               publicKey: Data(key.key.publicKey.rawRepresentation).base64EncodedString())
        }

        router.get("/v1/log/proof/{id}") { _, context -> InclusionResponse in
            let id = try context.parameters.require("id")
            guard let index = try services.registry.logIndex(certificateID: id) else {
                throw APIError(.notFound, code: .certificateNotFound, "no certificate with id \(id) in the log")
            }
            let (tree, note) = try current(services)
            let proof = try tree.inclusionProof(index: index)
            return InclusionResponse(certificateID: id, leafIndex: index, treeSize: tree.size, leafHash: Hex.encode(tree.leafHash(at: index)),
                                     proof: proof.map { Hex.encode($0) }, checkpoint: note)
        }

        router.get("/v1/log/consistency") { request, _ -> ConsistencyResponse in
            guard let old = request.uri.queryParameters.get("old", as: Int.self) else {
                throw APIError(.badRequest, code: .invalidQuery, "give the old tree size as ?old=N")
            }
            let (tree, note) = try current(services)
            guard old >= 0, old <= tree.size else {
                throw APIError(.badRequest, code: .invalidQuery, "old must be in 0...\(tree.size)")
            }
            let proof = try tree.consistencyProof(oldSize: old)
            return ConsistencyResponse(oldSize: old, newSize: tree.size, proof: proof.map { Hex.encode($0) }, checkpoint: note)
        }
    }

    static func logKey(_ services: GreenmarkServices) throws -> LogKey {
        try services.logSigner.key()
    }

    /// The whole tree (from the daemon's cache, brought up to date) and its signed checkpoint
    /// (kept while the tree and the key file are unchanged).
    static func current(_ services: GreenmarkServices) throws -> (MerkleTree, String) {
        _ = try logKey(services)  // a broken key file answers before the registry is read, as before
        let tree = try services.logTree.current(services.registry)
        let note = try services.logSigner.signedCheckpoint(size: tree.size, root: tree.root())
        return (tree, note)
    }
}
