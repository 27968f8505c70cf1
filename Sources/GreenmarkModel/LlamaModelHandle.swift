import CLlama
import GreenmarkCore

/// Owns one loaded `llama_model` and frees it when released.
final class LlamaModelHandle: @unchecked Sendable {
    // Immutable after loading; llama.cpp only reads the model from here on.
    let pointer: OpaquePointer
    let vocab: OpaquePointer
    let path: String

    /// Loads the GGUF file at `path`; with `vocabularyOnly` no weights are read.
    init(path: String, vocabularyOnly: Bool) throws(GreenmarkError) {
        LlamaRuntime.ensureInitialized()
        var params = llama_model_default_params()
        params.vocab_only = vocabularyOnly
        params.n_gpu_layers = 0
        guard let model = llama_model_load_from_file(path, params) else {
            throw GreenmarkError(.modelLoadFailed, "llama.cpp could not load \(path)")
        }
        guard let vocab = llama_model_get_vocab(model) else {
            llama_model_free(model)
            throw GreenmarkError(.modelLoadFailed, "\(path) has no vocabulary")
        }
        self.pointer = model
        self.vocab = vocab
        self.path = path
    }

    deinit {
        llama_model_free(pointer)
    }
}
