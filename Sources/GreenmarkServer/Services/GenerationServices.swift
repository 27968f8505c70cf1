import GreenmarkCore
import GreenmarkModel

/// What the generation routes need: the model and its gate, the keyring (the primary key
/// watermarks) and issuing (the receipt).
struct GenerationServices: Sendable {
    /// The loaded model, when this daemon generates.
    let model: LlamaModel?
    /// Bounds concurrent generations (the model is one shared resource).
    let gate: GenerationGate
    let keyringCache: KeyringCache
    let issuing: IssuingServices

    /// The current keyring, from the cache unless the file changed.
    func currentKeyring() throws(GreenmarkError) -> Keyring { try keyringCache.load() }
}
