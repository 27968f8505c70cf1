import ArgumentParser
import Foundation
import GreenmarkCertificates

/// The trust material and verification time shared by `greenmark verify` and `greenmark audit`.
struct TrustOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Pinned trust: root-key.json (with --trust-update) or a trusted-root file.", valueName: "file"))
    var trust: String
    @Option(
        name: .customLong("trust-update"), parsing: .upToNextOption,
        help: ArgumentHelp(
            "Trusted-root versions to chain from the pin, in any order: one or more files per flag, repeatable (e.g. --trust-update trusted-root-v*.json).",
            valueName: "file"))
    var updates: [String] = []
    @Option(name: .customLong("min-trust-version"), help: "Reject trusted roots older than this version (rollback protection).")
    var minimumVersionText: String?
    @Option(help: ArgumentHelp("Verify as of this time (RFC 3339, e.g. 2026-12-01T00:00:00Z) instead of now.", valueName: "time"))
    var at: String?

    func validate() throws {
        if let at, Timestamp.parse(at) == nil {
            throw ValidationError("--at must be an RFC 3339 UTC time with whole seconds, e.g. 2026-12-01T00:00:00Z")
        }
        if let minimumVersionText, minimumVersion == nil {
            throw ValidationError("--min-trust-version must be decimal digits with a value from 1 to 2^53 - 1, got \(minimumVersionText)")
        }
    }

    /// `--min-trust-version`: decimal digits (leading zeros allowed), at least 1.
    var minimumVersion: Int? {
        guard let text = minimumVersionText, !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let value = Int(text), value >= 1, value < 1 << 53
        else { return nil }
        return value
    }

    /// The verification time: `--at`, or now.
    var time: Date { at.flatMap(Timestamp.parse) ?? Date() }

    /// Reads the pinned file and the updates (one byte over the limit makes them unreadable) and
    /// builds the chain as of `time`.
    func load() throws -> TrustAnchor.Loaded {
        let limit = TrustAnchor.maximumTrustFileBytes + 1
        let pinned = try Verify.read(trust, limit: limit)
        let updateBytes = try updates.map { try Verify.read($0, limit: limit) }
        return TrustAnchor.load(pinned: pinned, updates: updateBytes, minimumVersion: minimumVersion, at: time)
    }
}
