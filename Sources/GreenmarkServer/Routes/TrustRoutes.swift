import Foundation
import GreenmarkCertificates
import GreenmarkCore
import Hummingbird

/// The public key material auditors need: `GET /v1/trust` (the newest trusted root chained from
/// the root key held in `signing.json`, and that key; 503 with the trust code when the trust files
/// do not chain, so a forged trusted root is never served: `TrustState`) and `GET
/// /v1/keys/disclosed` (every disclosed watermark key, for `greenmark audit --disclosed-key`).
struct TrustRoutes: RouteArea {
    let trust: TrustState
    let keyringCache: KeyringCache

    var routes: RouteCollection<GreenmarkRequestContext> {
        let routes = RouteCollection(context: GreenmarkRequestContext.self)
        routes.get("/v1/trust") { [trust] _, _ -> TrustResponse in
            let chain = try trust.chain()
            return TrustResponse(trustedRoot: chain.newest, rootKey: chain.rootKey)
        }
        routes.get("/v1/keys/disclosed") { [keyringCache] _, _ -> DisclosuresResponse in
            DisclosuresResponse(disclosedKeys: try keyringCache.load().disclosures)
        }
        return routes
    }
}
