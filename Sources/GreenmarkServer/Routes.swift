import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkModel
import GreenmarkStorage
import Hummingbird
import NIOPosix
import Metrics
import Prometheus
import Logging

/// Request and response bodies of the v1 API (`docs/openapi.yaml`).
struct DetectBody: Decodable {
    let text: String
    let includeMask: Bool?
    let keyID: String?
    let searchSpans: Bool?

    enum CodingKeys: String, CodingKey {
        case text
        case includeMask = "include_mask"
        case keyID = "key_id"
        case searchSpans = "search_spans"
    }
}

struct CertifyBody: Decodable {
    let text: String
    let keyID: String?

    enum CodingKeys: String, CodingKey {
        case text
        case keyID = "key_id"
    }
}

struct CertifyResponse: ResponseEncodable {
    let id: String
    let certificate: SignedCertificate
    let detection: DetectionResult
}

struct StatusResponse: ResponseEncodable {
    let status: String
    var detail: [String: String] = [:]
}

struct TrustResponse: ResponseEncodable {
    let trustedRoot: TrustedRoot
    let rootKey: RootKeyFile

    enum CodingKeys: String, CodingKey {
        case trustedRoot = "trusted_root"
        case rootKey = "root_key"
    }
}

extension DetectionResult: ResponseEncodable {}
extension VerificationReport: ResponseEncodable {}

/// Builds the router with every v1 route.
public enum GreenmarkRoutes {
    public static func router(services: GreenmarkServices) -> Router<GreenmarkRequestContext> {
        let router = Router(context: GreenmarkRequestContext.self)
        // Outermost: error bodies carry no server paths or storage internals (`PublicErrors`).
        router.add(middleware: PublicErrorMiddleware(home: services.home))
        // Nothing below (routing decisions, metrics, auth, rate limits, handlers) ever sees a
        // non-canonical path: `//v1/detect` and the like are 400 `http.path_not_canonical` (`CanonicalPath`).
        router.add(middleware: CanonicalPathMiddleware())
        router.add(middleware: InFlightMiddleware())
        router.add(middleware: MetricsMiddleware())
        let routeTable = RouteTable()
        router.add(middleware: MethodNotAllowedMiddleware(table: routeTable))
        router.add(middleware: AuthMiddleware(registry: services.registry))
        if let limiter = services.rateLimiter { router.add(middleware: RateLimitMiddleware(limiter: limiter)) }

        router.get("/metrics") { _, context -> Response in
            try services.metricsAccess.check(context)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: ServerMetrics.registry.emitToBuffer())))
        }

        router.get("/healthz") { _, _ in StatusResponse(status: "ok") }

        WebRoutes.register(on: router)
        LogRoutes.register(on: router, services: services)

        // Cached state only: never decrypts a secret file (`Readiness`).
        router.get("/readyz") { _, _ -> Response in try Readiness.response(services) }

        // What each caller may ask for and see, and the budgets: DetectionAccess (docs/threat-model.md).
        router.post("/v1/detect") { request, context -> DetectResponse in
            if !services.publicDetection { _ = try context.require(.verify) }
            try DetectionAccess.admit(services, context, route: "/v1/detect")
            let body = try await decode(DetectBody.self, request, context)
            try checkLength(body.text)
            let options = try DetectionAccess.options(body, context: context)
            let keys = try detectionKeys(services, keyID: options.keyID)
            let result = try await offload {
                try Detector(tokenizer: services.tokenizer, configuration: .default.searchingSpans(options.searchSpans))
                    .detect(body.text, keys: keys, includeMask: options.includeMask)
            }
            DetectionAccess.charge(services, context, scored: result.tokensScored)
            ServerMetrics.detections.increment()
            return DetectResponse(result: result, view: options.view)
        }

        router.post("/v1/certificates") { request, context -> EditedResponse<CertifyResponse> in
            let principal = try context.require(.stamp)
            try DetectionAccess.admit(services, context, route: "/v1/certificates")
            let body = try await decode(CertifyBody.self, request, context)
            try checkLength(body.text)
            try DetectionAccess.checkCertifyKey(body.keyID, context: context)
            let keys = try detectionKeys(services, keyID: body.keyID)
            let result = try await offload {
                try Detector(tokenizer: services.tokenizer).detect(body.text, keys: keys, includeMask: false)
            }
            DetectionAccess.charge(services, context, scored: result.tokensScored)
            try DetectionAccess.checkCertifiable(result, context: context)
            try services.syncSharedKeysBeforeIssuing()
            let certificate = try services.signing.activeIssuer().attestDetection(
                text: body.text, result: result, vocabulary: services.tokenizer.vocabularyID,
                keyCommitment: keys.first { $0.id == result.keyID }?.commitment)
            let id = try store(certificate, services: services)
            context.logger.info("issued certificate", metadata: ["id": .string(id), "token": .string(principal.id)])
            return EditedResponse(status: .created, headers: [.location: "/v1/certificates/\(id)"],
                                  response: CertifyResponse(id: id, certificate: certificate, detection: result))
        }

        router.get("/v1/certificates/{id}") { _, context -> Response in
            _ = try context.require(.verify)
            let id = try context.parameters.require("id")
            guard let record = try services.registry.certificate(id: id) else {
                throw APIError(.notFound, code: .certificateNotFound, "no certificate with id \(id)")
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: record.bytes)))
        }

        // GET /v1/trust and POST /v1/certificates/verify: trust chained from the held root key (`TrustRoutes`).
        TrustRoutes.register(on: router, services: services)

        addGenerationRoutes(router, services: services)
        addAdminRoutes(router, services: services)

        routeTable.load(from: router)
        return router
    }

    /// Decodes a JSON body, mapping failures to a 400 with a specific message.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: GreenmarkRequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(.contentTooLarge, code: .tooLarge, "the request body is larger than 4 MiB")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: .invalidJSON, "the request body does not match the schema: \(describe(error))")
        } catch {
            throw APIError(.badRequest, code: .invalidJSON, "the request body is not valid JSON")
        }
    }

    /// Longest text accepted for scoring, in Unicode scalars (about 100 pages).
    static let maximumTextLength = 500_000

    static func checkLength(_ text: String) throws {
        guard text.unicodeScalars.count <= maximumTextLength else {
            throw APIError(.contentTooLarge, code: .textTooLong, "texts are limited to \(maximumTextLength) characters")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing field \(key.stringValue)"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted(let c): c.debugDescription
        @unknown default: "invalid body"
        }
    }

    static func detectionKeys(_ services: GreenmarkServices, keyID: String?) throws -> [WatermarkKey] {
        let ring = try services.currentKeyring()
        if let keyID { return [try ring.key(id: keyID)] }
        return ring.detectionKeys
    }

    /// Stores a certificate this daemon just signed in the registry; returns its id.
    static func store(_ certificate: SignedCertificate, services: GreenmarkServices) throws -> String {
        let statement = try JSONDecoder().decode(Statement.self, from: Data(Base64URL.decode(certificate.payload)))
        let common = statement.predicate.common
        let record = CertificateRecord(id: common.certificateID, kind: statement.predicate.kind.rawValue,
                                       subjectSHA256: statement.textSHA256 ?? "", issuerKeyID: common.issuerKeyID,
                                       watermarkKeyID: common.watermarkKeyID, issuedAt: common.issuedAt, bytes: try certificate.fileBytes())
        try services.registry.insert(record)
        ServerMetrics.certificatesIssued.increment()
        return common.certificateID
    }

    /// Runs CPU-heavy work (normalizing, tokenizing and scoring a text of up to 500,000
    /// characters) on NIO's thread pool, so it never holds the cooperative threads that answer
    /// health checks and run the graceful shutdown on SIGTERM.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
