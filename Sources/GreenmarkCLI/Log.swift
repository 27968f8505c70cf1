import ArgumentParser
import Foundation
import GreenmarkTransparency

/// `greenmark log`: offline monitoring of a transparency log from saved files.
struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Monitor a transparency log offline.",
        subcommands: [VerifyConsistency.self]
    )

    /// `greenmark log verify-consistency`: two saved signed checkpoints and the proof between them.
    struct VerifyConsistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-consistency",
            abstract: "Check that a newer signed checkpoint of a log extends an older one (RFC 9162 consistency proof).",
            discussion: """
                Never touches the network. Save the checkpoints from greenmarkd's /v1/log/checkpoint (or the checkpoint of a \
                proof), the proof from /v1/log/consistency?old=N (N the older checkpoint's size), the key from /v1/log/key. \
                Without --new the proof's own checkpoint is the newer one; without --proof both checkpoints must be of one \
                tree. Exit status: 0 consistent, 1 not (a bad signature, a failing proof, one size with two roots), 2 usage error.
                """
        )

        @Option(help: ArgumentHelp("The older signed checkpoint (a C2SP signed note).", valueName: "file")) var old: String
        @Option(help: ArgumentHelp("The newer signed checkpoint (default: the proof file's checkpoint).", valueName: "file")) var new: String?
        @Option(help: ArgumentHelp("The consistency proof, the JSON of /v1/log/consistency?old=N.", valueName: "file")) var proof: String?
        @Option(name: .customLong("log-key"), help: ArgumentHelp("The log's key, saved from /v1/log/key.", valueName: "file")) var logKey: String
        @Flag(help: "Print the result as JSON.") var json = false

        func validate() throws {
            if new == nil, proof == nil { throw ValidationError("give --new, --proof, or both") }
        }

        func run() throws {
            let results = LogConsistencyCheck.verify(
                old: try Verify.read(old, limit: 1 << 16),
                new: try new.map { try Verify.read($0, limit: 1 << 16) },
                evidence: try proof.map { try Verify.read($0, limit: 1 << 20) },
                key: try Verify.read(logKey, limit: 1 << 16))
            let valid = results.allSatisfy(\.passed)
            if json {
                print(
                    try JSONOutput.encode(
                        Report(
                            status: valid ? "valid" : "invalid",
                            checks: results.map { Report.Check(code: $0.code, passed: $0.passed, detail: $0.detail) })))
            } else {
                print(valid ? "CONSISTENT" : "INCONSISTENT")
                for r in results { print("  \(r.passed ? "ok  " : "FAIL") \(r.code): \(r.detail)") }
            }
            if !valid { throw ExitCode(1) }
        }

        /// The `--json` output.
        struct Report: Encodable {
            struct Check: Encodable {
                let code: String
                let passed: Bool
                let detail: String
            }

            let status: String
            let checks: [Check]
        }
    }
}
