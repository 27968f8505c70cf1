extension APIError {
    /// The codes of the API's own refusals: every one is documented in `docs/openapi.yaml`
    /// (`APICodeCatalogTests`). Refusals that a domain error already names (`signing.missing`,
    /// `generation.invalid_request`, `key.not_found`, …) use the domain's code instead.
    public enum Code: String, CaseIterable, Sendable {
        /// No `Authorization: Bearer` token on a route that needs one.
        case missingToken = "auth.missing_token"
        /// The token is unknown, expired or revoked.
        case invalidToken = "auth.invalid_token"
        /// The token's role is below the route's.
        case forbidden = "auth.forbidden"
        /// `/metrics` from a caller `metrics_access` does not allow.
        case metricsForbidden = "metrics.forbidden"
        /// The caller's rate-limit bucket is empty.
        case rateLimited = "rate.limited"
        /// The caller's budget of scored tokens is used up.
        case budgetExhausted = "budget.exhausted"
        /// The path exists, the method does not.
        case methodNotAllowed = "http.method_not_allowed"
        /// The path is not in its one canonical form.
        case pathNotCanonical = "http.path_not_canonical"
        /// The client left before the answer (499).
        case clientClosed = "http.client_closed"
        /// The request body is over 4 MiB.
        case tooLarge = "input.too_large"
        /// The request body is not JSON of the route's schema.
        case invalidJSON = "input.invalid_json"
        /// The text is over the scoring limit.
        case textTooLong = "input.text_too_long"
        /// A query parameter is missing or out of range.
        case invalidQuery = "input.invalid_query"
        /// A time is not an RFC 3339 UTC timestamp.
        case invalidTime = "input.invalid_time"
        /// A member name repeats outside the certificate.
        case duplicateMember = "input.duplicate_member"
        /// A detection or certificate request has both text and document, or neither.
        case textOrDocument = "input.text_or_document"
        /// A document's content_base64 is not standard base64.
        case invalidUpload = "input.invalid_upload"
        /// A detection option needs the inspect permission.
        case inspectRequired = "detect.inspect_required"
        /// No certificate (or log entry) with this id.
        case certificateNotFound = "certificate.not_found"
        /// A certificate of a text below the threshold needs the inspect permission.
        case certificateNotWatermarked = "certificate.not_watermarked"
        /// Too many key changes are queued.
        case adminBusy = "admin.busy"
        /// The key action in the path is not one of the known ones.
        case adminUnknownAction = "admin.unknown_action"
        /// The shared key state cannot be checked before signing.
        case keysSyncUnavailable = "keys.sync_unavailable"
        /// A trust file of the home does not chain from the daemon's root key.
        case trustUnchainedFile = "trust.unchained_file"
        /// This daemon has no model for generation.
        case generationUnavailable = "generation.unavailable"
        /// A generation ended without a result.
        case generationFailed = "generation.failed"
        /// The model's queue is full.
        case generationBusy = "generation.busy"
        /// A generation waited too long for the model.
        case generationQueueTimeout = "generation.queue_timeout"
        /// The daemon is shutting down.
        case generationShuttingDown = "generation.shutting_down"
    }
}
