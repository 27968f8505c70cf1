import CLlama

#if canImport(Glibc)
    import Glibc
#endif

/// Process-wide llama.cpp setup: the backend is initialized once, and llama.cpp's chatter is
/// silenced except for errors, which go to stderr.
enum LlamaRuntime {
    /// Initializes llama.cpp on first use; later calls are free.
    static func ensureInitialized() {
        _ = initialized
    }

    private static let initialized: Bool = {
        llama_log_set(
            { level, text, _ in
                guard level == GGML_LOG_LEVEL_ERROR, let text else { return }
                let line = "llama.cpp: " + String(cString: text)
                _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            }, nil)
        llama_backend_init()
        return true
    }()
}
