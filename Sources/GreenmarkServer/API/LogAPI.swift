import Hummingbird

/// `docs/openapi.yaml`, schema `LogKey`: the transparency log's origin and keys.
struct LogKeyResponse: ResponseEncodable {
    let origin: String
    let verifierKey: String
    let publicKey: String

    enum CodingKeys: String, CodingKey {
        case origin
        case verifierKey = "verifier_key"
        case publicKey = "public_key"
    }
}

/// `docs/openapi.yaml`, schema `InclusionProof`: a certificate's inclusion proof and the checkpoint it is against.
struct InclusionProofResponse: ResponseEncodable {
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

/// `docs/openapi.yaml`, schema `ConsistencyProof`: a proof that the tree of `old_size` leaves is a prefix of this one.
struct ConsistencyProofResponse: ResponseEncodable {
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
