import GreenmarkCore
import GreenmarkModel

/// What the generation routes need: the model, its batch scheduler and gate, the keyring (the
/// primary key watermarks) and issuing (the receipt).
struct GenerationServices: Sendable {
    /// The loaded model, when this daemon generates.
    let model: LlamaModel?
    /// Runs every admitted generation in one shared llama.cpp context (nil without a model).
    let scheduler: BatchScheduler?
    /// Bounds concurrent generations to the scheduler's sequences, and the queue before them.
    let gate: GenerationGate
    let keyringCache: KeyringCache
    let issuing: IssuingServices

    /// The current keyring, from the cache unless the file changed.
    func currentKeyring() throws(GreenmarkError) -> Keyring { try keyringCache.load() }
}
