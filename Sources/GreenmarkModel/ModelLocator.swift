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
