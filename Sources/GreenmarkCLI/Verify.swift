import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkTransparency

#if canImport(Glibc)
    import Glibc
#endif

/// `greenmark verify`: offline certificate verification. Exit 0 valid, 1 invalid, 2 usage error.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a certificate offline against a pinned root key and the issuer's trusted roots.",
        discussion: """
            Never touches the network. A root key alone is not enough: pass the trusted roots the issuer publishes \
            (greenmark trust export), e.g. --trust root-key.json --trust-update 'trusted-root-v*.json'; the newest must not \
            have expired. Exit status: 0 valid, 1 invalid, 2 usage error (missing or unreadable files, a malformed --at).
            A provenance bundle (greenmark certify --bundle) carries the text and the trusted roots: greenmark verify \
            essay.bundle.json --trust root-key.json. Several bundles or a directory of them verify as a batch on every core \
            (--json rows, --csv report, --jobs N).
            """
    )

    @Argument(help: ArgumentHelp("The certificate or bundle file; several files or a directory: a batch of bundles.", valueName: "file"))
    var files: [String]
    /// The one certificate or bundle (outside a batch).
    var certificate: String { files[0] }
    @Option(
        help: ArgumentHelp(
            "The text the certificate is about, or the document it was certified from (its extracted text is checked; without it, only the certificate itself is checked).",
            valueName: "file"))
    var text: String?
    @OptionGroup var trustOptions: TrustOptions
    @Option(
        name: .customLong("log-proof"),
        help: ArgumentHelp(
            "Inclusion evidence saved from greenmarkd's /v1/log/proof/{id}: also check the certificate is in the transparency log.", valueName: "file"
        ))
    var logProof: String?
    @Option(
        name: .customLong("log-key"),
        help: ArgumentHelp(
            "The log's key, saved from /v1/log/key (with --log-proof; with bundles, their inclusion proof is then required).",
            valueName: "file"))
    var logKey: String?
    @Option(
        name: .customLong("checkpoint-state"),
        help: ArgumentHelp(
            "Keep the newest log checkpoint seen in this file and refuse one not consistent with it (with --log-proof).",
            valueName: "file"))
    var checkpointState: String?
    @Option(
        name: .customLong("log-consistency"),
        help: ArgumentHelp(
            "With --checkpoint-state: the proof between the kept checkpoint and the proof's (/v1/log/consistency?old=N).",
            valueName: "file"))
    var logConsistency: String?
    @Flag(help: "Print the full report as JSON (a batch: one row per file).") var json = false
    @Flag(help: "Read the file as a provenance bundle even when it does not look like one (a JSON object with media_type).")
    var bundle = false
    @Option(help: ArgumentHelp("A batch: also write a CSV report, one row per file.", valueName: "path")) var csv: String?
    @Option(help: ArgumentHelp("A batch: verify on this many threads (default: every core).", valueName: "n")) var jobs: Int?

    func validate() throws {
        if logProof != nil, logKey == nil { throw ValidationError("--log-proof needs --log-key") }
        if checkpointState != nil, logProof == nil { throw ValidationError("--checkpoint-state needs --log-proof and --log-key") }
        if logConsistency != nil, checkpointState == nil { throw ValidationError("--log-consistency goes with --checkpoint-state") }
        try validateBundleOptions()
        try trustOptions.validate()
    }

    func run() throws {
        if isBatch { return try runBatch() }
        let certBytes = try Self.read(certificate, limit: BundleDocument.maximumBytes + 1)
        if bundle || BundleDocument.isBundle(certBytes) { return try runBundle(certBytes) }
        if logKey != nil, logProof == nil { throw ValidationError("--log-key without --log-proof is for bundles") }
        let loaded = try trustOptions.load()
        // The text as given, or a document's extracted text (Verify+Document.swift).
        let (checked, textSource) = try verifyText { textBytes in
            guard let anchor = loaded.anchor else {
                return VerificationReport(status: .invalid, checks: loaded.checks, kind: nil, statement: nil)
            }
            let r = CertificateVerifier(anchor: anchor).verify(certificate: certBytes, text: textBytes, at: trustOptions.time)
            return VerificationReport(status: r.status, checks: loaded.checks + r.checks, kind: r.kind, statement: r.statement)
        }
        var report = checked
        if let logProof, let logKey, report.status == .valid {
            let evidence = try Self.read(logProof, limit: 1 << 20)
            let key = try Self.read(logKey, limit: 1 << 16)
            var log = LogInclusionCheck.verify(certificate: certBytes, evidence: evidence, key: key)
                .map { VerificationReport.Check(code: $0.code, passed: $0.passed, detail: $0.detail) }
            if let checkpointState, log.allSatisfy(\.passed), let note = LogCheckpointState.note(ofEvidence: evidence) {
                log += try LogCheckpointState(path: checkpointState)
                    .check(seenNote: note, consistency: try logConsistency.map { try Self.read($0, limit: 1 << 20) }, key: key)
                    .map { VerificationReport.Check(code: $0.code, passed: $0.passed, detail: $0.detail) }
            }
            let ok = log.allSatisfy(\.passed)
            report = VerificationReport(
                status: ok ? .valid : .invalid, checks: report.checks + log,
                kind: ok ? report.kind : nil, statement: ok ? report.statement : nil)
        }
        try show(report, textSource: textSource)
    }

    /// Prints one report (as JSON with `--json`) and exits 1 when it is invalid; `textSource` says
    /// which reading of `--text` the report checked.
    func show(_ report: VerificationReport, textSource: String? = nil) throws {
        if json {
            print(try textSource.map { try JSONOutput.encode(ReportWithText(report: report, textSource: $0)) } ?? JSONOutput.encode(report))
        } else {
            print(report.status == .valid ? "VALID" : "INVALID")
            if let textSource { print("  text: \(textSource)") }
            for c in report.checks { print("  \(c.passed ? "ok  " : "FAIL") \(c.code): \(c.detail)") }
            if let s = report.statement {
                print("  \(s.predicate.kind.rawValue) \(s.predicate.common.certificateID), issued \(s.predicate.common.issuedAt)")
                if case .detection(let d) = s.predicate {
                    print(
                        "  verdict \(d.verdict), \(d.score.map { "score \($0)" } ?? "z \(d.zScore ?? "-")"), p \(d.pValue), \(d.tokensScored) tokens, watermark key \(s.predicate.common.watermarkKeyID ?? "-")"
                    )
                }
            }
        }
        if report.status == .invalid { throw ExitCode(1) }
    }

    /// Reads a whole file; a missing or unreadable file is a usage error (exit 2).
    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            FileHandle.standardError.write(Data("greenmark: error: cannot read \(path)\n".utf8))
            throw ExitCode(2)
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit)) ?? nil
        return Array(data ?? Data())
    }
}
