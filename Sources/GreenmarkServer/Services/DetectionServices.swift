import GreenmarkCore
import GreenmarkModel
import GreenmarkStorage

/// What the detection routes need: the tokenizer, the keyring (cached per file version), the
/// per-caller scoring budget and the registry (where an exhausted budget is audited).
struct DetectionServices: Sendable {
    let tokenizer: LlamaTokenizer
    let keyringCache: KeyringCache
    /// Per-caller budgets of scored tokens; nil scores without budgets.
    let scoringBudget: ScoringBudget?
    let registry: Registry
    /// Serve `/v1/detect` and `/v1/certificates/verify` without a token.
    let publicDetection: Bool

    /// The current keyring, from the cache unless the file changed.
    func currentKeyring() throws(GreenmarkError) -> Keyring { try keyringCache.load() }

    /// The keys a detection tests: the one `keyID` names, or every detection key.
    func keys(id keyID: String?) throws(GreenmarkError) -> [WatermarkKey] {
        let ring = try currentKeyring()
        if let keyID { return [try ring.key(id: keyID)] }
        return ring.detectionKeys
    }

    /// Scores `text` off the event loop.
    func detect(
        _ text: String, keys: [WatermarkKey], configuration: DetectorConfiguration = .default,
        includeMask: Bool = false
    ) async throws -> DetectionResult {
        try await offload { [tokenizer] in
            try Detector(tokenizer: tokenizer, configuration: configuration).detect(text, keys: keys, includeMask: includeMask)
        }
    }
}
