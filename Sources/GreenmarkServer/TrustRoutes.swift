import GreenmarkStorage
import Foundation
import GreenmarkCertificates
import HTTPTypes
import Hummingbird

/// The routes that serve or use the daemon's trust (#17): `GET /v1/trust` and
/// `POST /v1/certificates/verify`. Both take the trust state from `TrustState` — a chain from the
/// root key held in `signing.json` — and answer 503 with its code when the trust files do not
/// chain, so a forged trusted root is never served or used.
enum TrustRoutes {
    static func register(on router: Router<GreenmarkRequestContext>, services: GreenmarkServices) {
        // The certificate is verified as the exact bytes received (`VerifyRequest`), against the
        // newest trusted root chained from the daemon's root key, as of now.
        router.post("/v1/certificates/verify") { request, context -> VerificationReport in
            if !services.publicDetection { _ = try context.require(.verify) }
            let body = try VerifyRequest.parse(try await collect(request, context))
            let chain = try services.trust.chain()
            return try await GreenmarkRoutes.offload {
                let now = Date()
                let (anchor, trustCheck) = chain.check(at: now)
                guard let anchor else { return VerificationReport(status: .invalid, checks: [trustCheck], kind: nil, statement: nil) }
                let report = CertificateVerifier(anchor: anchor).verify(certificate: body.certificate, text: Array(body.text.utf8), at: now)
                return VerificationReport(status: report.status, checks: [trustCheck] + report.checks, kind: report.kind, statement: report.statement)
            }
        }

        // The newest chained trusted root, as stored, and the root key the daemon holds.
        router.get("/v1/trust") { _, _ -> TrustResponse in
            let chain = try services.trust.chain()
            return TrustResponse(trustedRoot: chain.newest, rootKey: chain.rootKey)
        }
    }

    /// The request body's bytes (at most the context's upload size; more is 413 `input.too_large`).
    static func collect(_ request: Request, _ context: GreenmarkRequestContext) async throws -> [UInt8] {
        do {
            return Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
        } catch {
            throw APIError(.contentTooLarge, code: .tooLarge, "the request body is larger than 4 MiB")
        }
    }
}
