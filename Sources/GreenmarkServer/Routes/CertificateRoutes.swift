import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkModel
import GreenmarkStorage
import Hummingbird
import Logging

/// The certificates: `POST /v1/certificates` (stamp) detects and signs, `GET
/// /v1/certificates/{id}` (verify) returns a stored one, `POST /v1/certificates/verify` (verify, or
/// anyone when detection is public) verifies one against the daemon's trust.
struct CertificateRoutes: RouteArea {
    let detection: DetectionServices
    let issuing: IssuingServices
    let trust: TrustState
    /// The transparency log, for the inclusion proof of a certificate answered as a bundle.
    var log: LogServices? = nil

    var routes: RouteCollection<GreenmarkRequestContext> {
        let routes = RouteCollection(context: GreenmarkRequestContext.self)
        routes.group().add(middleware: RoleMiddleware(.stamp))
            .post("/v1/certificates") { request, context -> Response in try await certify(request, context) }
        routes.group().add(middleware: RoleMiddleware(.verify))
            .get("/v1/certificates/{id}") { _, context in try await certificate(context) }
        routes.group().add(middleware: RoleMiddleware(detection.publicDetection ? nil : .verify))
            .post("/v1/certificates/verify") { request, context in try await verify(request, context) }
        return routes
    }

    /// Detects (as `DetectionAccess` allows and charges), then signs and stores a detection attestation.
    /// With `?bundle=1` or `Accept: application/vnd.greenmark.bundle.v1+json` the answer is a provenance bundle (`BundleReply`).
    func certify(_ request: Request, _ context: GreenmarkRequestContext) async throws -> Response {
        let principal = try context.authenticated()
        let asksForBundle = try BundleReply.wanted(request)
        try await DetectionAccess.admit(detection, context, route: "/v1/certificates")
        let bytes = try await APIInput.collect(request, context, limit: SubmittedText.maximumBodyBytes)
        let body = try APIInput.decode(CertifyRequest.self, from: bytes)
        try DetectionAccess.checkCertifyKey(body.keyID, context: context)
        let keys = try detection.keys(id: body.keyID)
        // A document's certificate names the digest of exactly its extracted text (`SubmittedText`).
        let input = try await SubmittedText.resolve(text: body.text, document: body.document, bodyBytes: bytes.count, context: context)
        try APIInput.checkLength(input.text)
        let result = try await detection.detect(input.text, keys: keys)
        DetectionAccess.charge(detection, context, scored: result.tokensScored)
        try DetectionAccess.checkCertifiable(result, context: context)
        let (text, vocabulary) = (input.text, detection.tokenizer.vocabularyID)
        let commitment = keys.first { $0.id == result.keyID }?.commitment
        let (certificate, id) = try await issuing.issue { issuer in
            try issuer.attestDetection(text: text, result: result, vocabulary: vocabulary, keyCommitment: commitment)
        }
        context.logger.info("issued certificate", metadata: ["id": .string(id), "token": .string(principal.id)])
        if asksForBundle {
            let bytes = try await BundleReply.bytes(certificate: certificate, id: id, text: text, issuing: issuing, log: log)
            return BundleReply.response(bytes, status: .created, headers: [.location: "/v1/certificates/\(id)"])
        }
        return try EditedResponse(
            status: .created, headers: [.location: "/v1/certificates/\(id)"],
            response: CertifyResponse(id: id, certificate: certificate, detection: result, document: input.document)
        )
        .response(from: request, context: context)
    }

    /// The stored certificate file, byte for byte.
    func certificate(_ context: GreenmarkRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let registry = issuing.registry
        guard let record = try await offload({ try registry.certificate(id: id) }) else {
            throw APIError(.notFound, code: .certificateNotFound, "no certificate with id \(id)")
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: record.bytes)))
    }

    /// The certificate is verified as the exact bytes received (`VerifyRequest`), against the
    /// newest trusted root chained from the daemon's root key (`TrustState`), as of now; with the
    /// text as sent, or a document's extracted text (`SubmittedText`, named in the answer's `document`).
    func verify(_ request: Request, _ context: GreenmarkRequestContext) async throws -> VerifyResponse {
        let bytes = try await APIInput.collect(request, context, limit: SubmittedText.maximumBodyBytes)
        let body = try VerifyRequest.parse(bytes)
        let input = try await SubmittedText.resolve(text: body.text, document: body.document, bodyBytes: bytes.count, context: context)
        let chain = try trust.chain()
        let report = try await offload {
            let now = Date()
            let (anchor, trustCheck) = chain.check(at: now)
            guard let anchor else { return VerificationReport(status: .invalid, checks: [trustCheck], kind: nil, statement: nil) }
            let report = CertificateVerifier(anchor: anchor).verify(certificate: body.certificate, text: Array(input.text.utf8), at: now)
            return VerificationReport(status: report.status, checks: [trustCheck] + report.checks, kind: report.kind, statement: report.statement)
        }
        return VerifyResponse(report: report, document: input.document)
    }
}
