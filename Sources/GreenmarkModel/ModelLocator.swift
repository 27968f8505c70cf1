import Foundation
import GreenmarkCore

/// Finds the GGUF model file: `--model`, else `$GREENMARK_MODEL`, else the embedded default that
/// `scripts/bootstrap.sh` installs.
public enum ModelLocator {
    /// File name of the embedded default model.
    public static let defaultModelFile = "SmolLM2-135M-Instruct.Q4_1.gguf"
    /// SHA-256 of the embedded default model file (checked by the installer).
    public static let defaultModelSHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
    /// Environment variable that overrides the model path.
    public static let environmentVariable = "GREENMARK_MODEL"
    /// Directories searched for the default model, in order.
    public static let searchDirectories = ["/usr/local/share/greenmark/models", "/usr/share/greenmark/models"]

    /// File name of the second model `scripts/bootstrap.sh` installs for the tests, beside the
    /// default: Gemma 3 270M (the base model, Q4_K_M; no chat template, vocabulary 262,144), under
    /// the Gemma Terms of Use (installed beside it as `GEMMA_TERMS.html`), not Apache-2.0. Never
    /// the default: pass it with `--model` (or `$GREENMARK_MODEL`).
    public static let gemmaModelFile = "gemma-3-270m-q4_k_m.gguf"
    /// SHA-256 of the Gemma 3 270M file (checked by the installer).
    public static let gemmaModelSHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
    /// Environment variable naming the Gemma 3 270M file elsewhere than `searchDirectories`.
    public static let gemmaEnvironmentVariable = "GREENMARK_MODEL_GEMMA"

    /// The installed Gemma 3 270M: `$GREENMARK_MODEL_GEMMA` when set (nil if that file is not
    /// readable), else `gemmaModelFile` in `searchDirectories`; nil when it is not installed.
    public static func gemma(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let fm = FileManager.default
        if let env = environment[gemmaEnvironmentVariable], !env.isEmpty { return fm.isReadableFile(atPath: env) ? env : nil }
        return searchDirectories.map { $0 + "/" + gemmaModelFile }.first { fm.isReadableFile(atPath: $0) }
    }

    /// Resolves the model path; throws `modelNotFound` with a hint when nothing is there.
    public static func resolve(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws(GreenmarkError)
        -> String
    {
        let fm = FileManager.default
        if let explicit, !explicit.isEmpty {
            guard fm.isReadableFile(atPath: explicit) else {
                throw GreenmarkError(.modelNotFound, "model file \(explicit) does not exist or is not readable")
            }
            return explicit
        }
        if let env = environment[environmentVariable], !env.isEmpty {
            guard fm.isReadableFile(atPath: env) else {
                throw GreenmarkError(.modelNotFound, "\(environmentVariable)=\(env) does not name a readable file")
            }
            return env
        }
        for dir in searchDirectories {
            let candidate = dir + "/" + defaultModelFile
            if fm.isReadableFile(atPath: candidate) { return candidate }
        }
        throw GreenmarkError(
            .modelNotFound,
            "the default model \(defaultModelFile) is not installed; run scripts/bootstrap.sh (or pass --model / set \(environmentVariable))")
    }
}
