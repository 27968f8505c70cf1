import CLlama

extension LlamaModel {
    /// Bytes of KV cache one token takes in a context (f16 keys and values, every layer):
    /// layers × (key length + value length) × KV heads × 2. For SmolLM2-135M: 30 × (64 + 64) × 3 × 2
    /// = 23,040. An upper bound for models with sliding-window layers, whose window cache is smaller.
    public var kvBytesPerToken: Int {
        let model = handle.pointer
        let layers = Int(llama_model_n_layer(model))
        let heads = Int(max(1, llama_model_n_head(model)))
        let kvHeads = Int(llama_model_n_head_kv(model))
        let fallback = Int(llama_model_n_embd(model)) / heads
        let keyLength = metadataInt("attention.key_length") ?? fallback
        let valueLength = metadataInt("attention.value_length") ?? fallback
        return layers * (keyLength + valueLength) * kvHeads * 2
    }

    /// An integer from the GGUF metadata under `ARCH.suffix` (ARCH: `general.architecture`).
    private func metadataInt(_ suffix: String) -> Int? {
        guard let arch = metadataString("general.architecture") else { return nil }
        return metadataString(arch + "." + suffix).flatMap { Int($0) }
    }

    private func metadataString(_ key: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let n = llama_model_meta_val_str(handle.pointer, key, &buffer, buffer.count)
        guard n >= 0 else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
