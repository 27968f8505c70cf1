import CLlama
import GreenmarkCore

#if canImport(Glibc)
    import Glibc
#endif

/// Owns one loaded `llama_model` and frees it when released.
final class LlamaModelHandle: @unchecked Sendable {
    // Immutable after loading; llama.cpp only reads the model from here on.
    let pointer: OpaquePointer
    let vocab: OpaquePointer
    let path: String

    /// Loads the GGUF file at `path`; with `vocabularyOnly` no weights are read.
    init(path: String, vocabularyOnly: Bool) throws(GreenmarkError) {
        try Self.checkMagic(path)
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

    /// Rejects anything that does not start with the GGUF magic before llama.cpp parses it.
    static func checkMagic(_ path: String) throws(GreenmarkError) {
        guard let file = fopen(path, "rb") else {
            throw GreenmarkError(.modelNotFound, "cannot open model file \(path)")
        }
        defer { fclose(file) }
        var magic = [UInt8](repeating: 0, count: 4)
        let n = fread(&magic, 1, 4, file)
        guard n == 4, magic == Array("GGUF".utf8) else {
            throw GreenmarkError(.modelInvalid, "\(path) is not a GGUF model file")
        }
    }

    deinit {
        llama_model_free(pointer)
    }
}
