import ArgumentParser

/// The `greenmark` command: watermark keys, detection and benchmarks.
public struct Greenmark: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "greenmark",
        abstract: "Watermark certification and provenance for LLM text.",
        version: GreenmarkVersion.current,
        subcommands: [
            Keys.self, Trust.self, Generate.self, Detect.self, Extract.self, Certify.self, Verify.self, Audit.self, Tokens.self, Eval.self,
            Bench.self, Log.self,
        ]
    )

    public init() {}
}

/// The version string printed by `--version`.
public enum GreenmarkVersion {
    public static let current = "0.1.0"
}
