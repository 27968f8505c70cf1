import CoreMetrics
import Foundation
import GreenmarkCore
import GreenmarkStorage
import Hummingbird
import Logging

/// What a caller of the detection routes may ask for and see (docs/threat-model.md).
///
/// - **inspect** (the admin role, or a token created with `--inspect`): the full result, per-token
///   colours on request (`include_mask`), a chosen key (`key_id`) and span search on or off.
/// - **verdict** (every other caller: verify and stamp tokens, and anyone when detection is
///   public): one fixed test — every detection key with the Bonferroni correction, span search
///   always on — and the verdict. The scores (z, p, green count, span, matched key, length
///   guidance) are shown only when the verdict is `watermarked`: below the threshold they are a
///   gradient a forger can climb, and above it the text already carries the watermark. Asking
///   for colours, a key or span search off is 403 `detect.inspect_required`.
enum DetectionAccess {
    /// Which view a response is.
    enum View: String, Encodable {
        case inspect, verdict
    }

    /// The detection a request asked for, after the access rules.
    struct Options {
        let includeMask: Bool
        let keyID: String?
        let searchSpans: Bool
        let view: View
    }

    /// The options `body` asks for, or 403 `detect.inspect_required` when the caller may not choose them.
    static func options(_ body: DetectRequest, context: GreenmarkRequestContext) throws -> Options {
        if context.mayInspect {
            return Options(includeMask: body.includeMask ?? false, keyID: body.keyID, searchSpans: body.searchSpans ?? true, view: .inspect)
        }
        var asked: [String] = []
        if body.includeMask == true { asked.append("include_mask") }
        if body.keyID != nil { asked.append("key_id") }
        if body.searchSpans == false { asked.append("search_spans: false") }
        guard asked.isEmpty else { throw inspectRequired(asked) }
        return Options(includeMask: false, keyID: nil, searchSpans: true, view: .verdict)
    }

    /// `key_id` on `/v1/certificates` needs the inspect permission too (choosing the key per
    /// request would test each key at the full level instead of correcting for all of them).
    static func checkCertifyKey(_ keyID: String?, context: GreenmarkRequestContext) throws {
        if keyID != nil && !context.mayInspect { throw inspectRequired(["key_id"]) }
    }

    /// A certificate of a text below the threshold needs the inspect permission: it would sign the
    /// text's z-score, green count and p-value, the gradient the verdict view withholds, so a
    /// stamp token could hill-climb through `/v1/certificates` (about 70 certificates,
    /// docs/threat-model.md). Refused with 422 `certificate.not_watermarked`; the message names
    /// only the verdict and the number of scored tokens, which every view shows.
    static func checkCertifiable(_ result: DetectionResult, context: GreenmarkRequestContext) throws {
        guard !result.watermarked, !context.mayInspect else { return }
        throw APIError(
            .unprocessableContent, code: .certificateNotWatermarked,
            "the text does not carry the watermark (verdict \(result.verdict.rawValue), \(result.tokensScored) tokens scored); "
                + "a certificate of a text below the threshold signs its scores and needs a token with the inspect permission "
                + "(greenmark tokens create --inspect, or an admin token); POST /v1/detect gives the verdict")
    }

    static func inspectRequired(_ fields: [String]) -> APIError {
        APIError(
            .forbidden, code: .inspectRequired,
            "\(fields.joined(separator: ", ")) needs a token with the inspect permission "
                + "(greenmark tokens create --inspect, or an admin token); without it detection always tests every key with span search and shows the verdict"
        )
    }

    /// Admission to a scoring request under the budget: 429 `budget.exhausted` with Retry-After
    /// when the caller's bucket is empty. The first refusal of an episode is audited and logged.
    static func admit(_ services: DetectionServices, _ context: GreenmarkRequestContext, route: String) async throws {
        guard let budget = services.scoringBudget else { return }
        let caller = context.budgetCaller
        guard case .exhausted(let retryAfter, let first) = budget.admit(caller) else { return }
        let kind = caller.isToken ? "token" : "address"
        ServerMetrics.budgetRefused(kind).increment()
        let allowance = budget.allowance(for: caller) ?? 0
        if first {
            let detail = "\(route): budget of \(allowance) scored tokens a day used up; retry after \(retryAfter) s"
            context.logger.notice("detection budget exhausted", metadata: ["caller": .string(caller.auditActor), "route": .string(route)])
            let (registry, actor) = (services.registry, caller.auditActor)
            do {
                try await offload { try registry.audit(actor: actor, action: "budget.exhausted", detail: detail) }
            } catch {
                let code = (error as? any HTTPCodedError)?.apiError.code ?? "\(error)"
                context.logger.error("cannot audit an exhausted budget", metadata: ["caller": .string(actor), "error": .string(code)])
            }
        }
        var error = APIError(
            .tooManyRequests, code: .budgetExhausted,
            "this \(kind == "token" ? "token" : "address") may score \(allowance) tokens a day on the detection routes "
                + "(each request counts its scored tokens, at least \(ScoringBudget.minimumCharge)); that budget is used up; "
                + "retry after \(retryAfter) s")
        error.retryAfter = retryAfter
        throw error
    }

    /// Charges the caller for the tokens a request scored.
    static func charge(_ services: DetectionServices, _ context: GreenmarkRequestContext, scored: Int) {
        let charged = services.scoringBudget?.charge(context.budgetCaller, scored: scored) ?? max(scored, ScoringBudget.minimumCharge)
        ServerMetrics.scoredTokensCharged.increment(by: Int64(charged))
    }
}

extension ScoringBudget.Caller {
    var isToken: Bool { if case .token = self { true } else { false } }
}

extension GreenmarkRequestContext {
    /// Whether the request's token may inspect detections (admin, or `--inspect`).
    var mayInspect: Bool { principal?.has(.inspect) ?? false }

    /// Who the scoring budget charges: the token, else the client address (IPv6 by /64).
    var budgetCaller: ScoringBudget.Caller {
        if let principal { return .token(principal.id) }
        return .address(ScoringBudget.addressKey(clientAddress ?? "unknown"))
    }
}
