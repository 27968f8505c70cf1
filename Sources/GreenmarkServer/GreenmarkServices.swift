import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkModel
import GreenmarkStorage

/// What the routes share: the Greenmark home (keyring and signing keys, re-read on every request
/// so key changes made by the CLI or another daemon take effect without a restart), the model's
/// tokenizer, and the registry.
public struct GreenmarkServices: Sendable {
    public let home: String
    public let tokenizer: LlamaTokenizer
    public let registry: Registry
    /// Serve `/v1/detect` and `/v1/certificates/verify` without a token.
    public let publicDetection: Bool
    /// The loaded model, when this daemon generates.
    public let model: LlamaModel?
    /// Bounds concurrent generations (the model is one shared resource).
    public let gate: GenerationGate

    public init(home: String, tokenizer: LlamaTokenizer, registry: Registry, publicDetection: Bool = false,
                model: LlamaModel? = nil, gate: GenerationGate = GenerationGate(maxActive: 1, maxQueued: 4)) {
        self.home = home
        self.tokenizer = tokenizer
        self.registry = registry
        self.publicDetection = publicDetection
        self.model = model
        self.gate = gate
    }

    var keyring: KeyringStore { KeyringStore(directory: home) }
    var signing: SigningKeyStore { SigningKeyStore(directory: home) }
}
