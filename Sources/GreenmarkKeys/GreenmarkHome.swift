import Foundation

/// Where Greenmark keeps its state: `--home`, else `$GREENMARK_HOME`, else `./keys`.
public enum GreenmarkHome {
    /// Environment variable naming the home directory.
    public static let environmentVariable = "GREENMARK_HOME"
    /// Default home, relative to the working directory.
    public static let defaultDirectory = "keys"

    /// Resolves the home directory from an explicit option and the environment.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment[environmentVariable], !env.isEmpty { return env }
        return defaultDirectory
    }
}
