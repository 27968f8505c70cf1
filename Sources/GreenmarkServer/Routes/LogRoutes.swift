import Foundation
import GreenmarkCrypto
import GreenmarkStorage
import GreenmarkTransparency
import Hummingbird

/// The transparency log over HTTP (public, like `/v1/trust`): the signed checkpoint, the log's
/// verifier key, a certificate's inclusion proof and consistency proofs (`docs/transparency-log.md`).
struct LogRoutes: RouteArea {
    let services: LogServices

    var routes: RouteCollection<GreenmarkRequestContext> {
        let routes = RouteCollection(context: GreenmarkRequestContext.self)
        routes.get("/v1/log/checkpoint") { [services] _, _ -> Response in
            let note = try await services.withCurrentTree { _, note in note }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: note)))
        }
        routes.get("/v1/log/key") { [services] _, _ -> LogKeyResponse in
            let key = try await services.key()
            return LogKeyResponse(
                origin: key.origin, verifierKey: key.verifierKey,
                publicKey: Data(key.key.publicKey.rawRepresentation).base64EncodedString())
        }
        routes.get("/v1/log/proof/{id}") { _, context in try await inclusion(context) }
        routes.get("/v1/log/consistency") { request, _ in try await consistency(request) }
        return routes
    }

    func inclusion(_ context: GreenmarkRequestContext) async throws -> InclusionProofResponse {
        let id = try context.parameters.require("id")
        let registry = services.registry
        guard let index = try await offload({ try registry.logIndex(certificateID: id) }) else {
            throw APIError(.notFound, code: .certificateNotFound, "no certificate with id \(id) in the log")
        }
        return try await services.withCurrentTree { tree, note in
            let proof = try tree.inclusionProof(index: index)
            return InclusionProofResponse(
                certificateID: id, leafIndex: index, treeSize: tree.size, leafHash: Hex.encode(tree.leafHash(at: index)),
                proof: proof.map { Hex.encode($0) }, checkpoint: note)
        }
    }

    func consistency(_ request: Request) async throws -> ConsistencyProofResponse {
        guard let old = request.uri.queryParameters.get("old", as: Int.self) else {
            throw APIError(.badRequest, code: .invalidQuery, "give the old tree size as ?old=N")
        }
        return try await services.withCurrentTree { tree, note in
            guard old >= 0, old <= tree.size else {
                throw APIError(.badRequest, code: .invalidQuery, "old must be in 0...\(tree.size)")
            }
            let proof = try tree.consistencyProof(oldSize: old)
            return ConsistencyProofResponse(oldSize: old, newSize: tree.size, proof: proof.map { Hex.encode($0) }, checkpoint: note)
        }
    }
}
