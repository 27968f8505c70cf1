import CoreMetrics
import GreenmarkCore
import GreenmarkStorage
import Hummingbird

/// `POST /v1/detect`: the verify role, or anyone when detection is public. What each caller may
/// ask for and see, and the budgets: `DetectionAccess` (docs/threat-model.md). The text comes as
/// `text` or as a `document` (`SubmittedText`).
struct DetectionRoutes: RouteArea {
    let services: DetectionServices

    var routes: RouteCollection<GreenmarkRequestContext> {
        let routes = RouteCollection(context: GreenmarkRequestContext.self)
        routes.group().add(middleware: RoleMiddleware(services.publicDetection ? nil : .verify))
            .post("/v1/detect") { request, context in try await detect(request, context) }
        return routes
    }

    func detect(_ request: Request, _ context: GreenmarkRequestContext) async throws -> DetectResponse {
        try await DetectionAccess.admit(services, context, route: "/v1/detect")
        let bytes = try await APIInput.collect(request, context, limit: SubmittedText.maximumBodyBytes)
        let body = try APIInput.decode(DetectRequest.self, from: bytes)
        let options = try DetectionAccess.options(body, context: context)
        let keys = try services.keys(id: options.keyID)
        let input = try await SubmittedText.resolve(text: body.text, document: body.document, bodyBytes: bytes.count, context: context)
        try APIInput.checkLength(input.text)
        let result = try await services.detect(
            input.text, keys: keys, configuration: .default.searchingSpans(options.searchSpans),
            includeMask: options.includeMask)
        DetectionAccess.charge(services, context, scored: result.tokensScored)
        ServerMetrics.detections.increment()
        return DetectResponse(result: result, view: options.view, document: input.document)
    }
}
