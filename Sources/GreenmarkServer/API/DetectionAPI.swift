import Foundation
import GreenmarkCore
import Hummingbird

/// `docs/openapi.yaml`, schema `DetectRequest`: the body of `POST /v1/detect`: `text`, or a
/// `document` to read the text from (exactly one; `SubmittedText`).
struct DetectRequest: Decodable {
    let text: String?
    let document: DocumentUpload?
    let includeMask: Bool?
    let keyID: String?
    let searchSpans: Bool?

    enum CodingKeys: String, CodingKey {
        case text, document
        case includeMask = "include_mask"
        case keyID = "key_id"
        case searchSpans = "search_spans"
    }
}

/// `docs/openapi.yaml`, schema `DetectionResult`: the detection result as is (the inspect view).
extension DetectionResult: ResponseEncodable {}

/// `docs/openapi.yaml`, schema `DetectionResult`: the `/v1/detect` response, the detection result as the
/// caller's view allows (`DetectionAccess`), with `view`, and `document` when the text was read from one.
struct DetectResponse: ResponseEncodable {
    let result: DetectionResult
    let view: DetectionAccess.View
    var document: DocumentSummary? = nil

    /// The fields every view shows: nothing here depends on the watermark key's green lists
    /// (for SelfHash keys, which repeats are skipped does; see docs/threat-model.md).
    private struct VerdictFields: Encodable {
        let verdict: GreenmarkCore.Verdict
        let watermarked: Bool
        let tokensScored: Int
        let tokensTotal: Int
        let moreTokensNeeded: Int?
        let keysTried: Int
        let zThreshold: Double
        let pThreshold: Double
        let minimumScoredTokens: Int
        let normalized: Bool
        let normalizer: String
        let normalization: TextNormalizer.Changes
        let spanSearch: Bool
        let tokenizer: String
        let view: DetectionAccess.View

        enum CodingKeys: String, CodingKey {
            case verdict, watermarked
            case tokensScored = "tokens_scored"
            case tokensTotal = "tokens_total"
            case moreTokensNeeded = "more_tokens_needed"
            case keysTried = "keys_tried"
            case zThreshold = "z_threshold"
            case pThreshold = "p_threshold"
            case minimumScoredTokens = "min_tokens"
            case normalized, normalizer, normalization
            case spanSearch = "span_search"
            case tokenizer, view
        }
    }

    private enum ViewKey: String, CodingKey { case view, document }

    func encode(to encoder: any Encoder) throws {
        if view == .inspect || result.watermarked {
            try result.encode(to: encoder)
            var container = encoder.container(keyedBy: ViewKey.self)
            try container.encode(view, forKey: .view)
            try container.encodeIfPresent(document, forKey: .document)
            return
        }
        let r = result
        try VerdictFields(
            verdict: r.verdict, watermarked: r.watermarked, tokensScored: r.tokensScored, tokensTotal: r.tokensTotal,
            moreTokensNeeded: r.moreTokensNeeded, keysTried: r.keysTried, zThreshold: r.zThreshold, pThreshold: r.pThreshold,
            minimumScoredTokens: r.minimumScoredTokens, normalized: r.normalized, normalizer: r.normalizer,
            normalization: r.normalization, spanSearch: r.spanSearch, tokenizer: r.tokenizer, view: view
        ).encode(to: encoder)
        var container = encoder.container(keyedBy: ViewKey.self)
        try container.encodeIfPresent(document, forKey: .document)
    }
}
