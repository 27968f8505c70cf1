import ArgumentParser
import Foundation
import GreenmarkCertificates

/// `greenmark verify BUNDLE`: one provenance bundle (`docs/certificate-format.md`, "Provenance
/// bundles"); the pin, `--trust-update`, `--min-trust-version`, `--at` and `--log-key` are the
/// verifier's, everything else comes from the bundle.
extension Verify {
    /// Several files, or a directory: a batch of bundles (`VerifyBatch`).
    var isBatch: Bool {
        guard files.count == 1 else { return true }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: files[0], isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Option combinations a bundle or a batch refuses (exit 2).
    func validateBundleOptions() throws {
        if files.isEmpty { throw ValidationError("name a certificate, a bundle, several bundles or a directory of bundles") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if isBatch {
            if text != nil { throw ValidationError("--text is for one certificate or bundle, not a batch") }
            if logProof != nil { throw ValidationError("--log-proof is for one certificate; bundles carry their own") }
        } else if csv != nil || jobs != nil {
            throw ValidationError("--csv and --jobs are for a batch (several files or a directory)")
        }
    }

    /// The verifier every bundle of a run shares: the pin, the updates and the log key read once.
    func bundleVerifier() throws -> BundleVerifier {
        let limit = TrustAnchor.maximumTrustFileBytes + 1
        return BundleVerifier(
            pinned: try Self.read(trustOptions.trust, limit: limit),
            updates: try trustOptions.updates.map { try Self.read($0, limit: limit) },
            minimumVersion: trustOptions.minimumVersion,
            logKey: try logKey.map { try Self.read($0, limit: 1 << 16) })
    }

    /// Verifies one bundle (its bytes already read) and prints the report; exit 1 when invalid.
    func runBundle(_ bytes: [UInt8]) throws {
        if logProof != nil { throw ValidationError("--log-proof is for a certificate: the bundle carries its own inclusion proof") }
        // The text as given, or a document's extracted text (Verify+Document.swift).
        let verifier = try bundleVerifier()
        let (report, textSource) = try verifyText { textBytes in verifier.verify(bundle: bytes, text: textBytes, at: trustOptions.time) }
        if logKey == nil, !json, report.status == .valid, case .success(let b) = BundleDocument.read(bytes), b.logProof != nil {
            FileHandle.standardError.write(Data("greenmark: note: the bundle's log inclusion proof is checked only with --log-key\n".utf8))
        }
        try show(report, textSource: textSource)
    }
}
