import Foundation
import GreenmarkCore

extension BundleDocument {
    /// Every trusted-root version file (`trusted-root-vN.json`) in `directory` (an issuer's
    /// `trust/`, or a `greenmark trust export` copy), in version order: what a bundle carries so
    /// that a verifier pinned to any root key the issuer ever had reaches the newest version.
    public static func trustedRootFiles(in directory: String) throws(CertificateError) -> [[UInt8]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let versions = names.compactMap { name -> Int? in
            guard let match = name.wholeMatch(of: /trusted-root-v([0-9]{1,9})\.json/) else { return nil }
            return Int(match.output.1)
        }.sorted()
        guard !versions.isEmpty else { throw CertificateError(.trustUnreadable, "no trusted-root version (trusted-root-vN.json) in \(directory)") }
        var files: [[UInt8]] = []
        for n in versions {
            guard let data = FileManager.default.contents(atPath: directory + "/trusted-root-v\(n).json") else {
                throw CertificateError(.trustUnreadable, "cannot read trusted-root-v\(n).json in \(directory)")
            }
            files.append(Array(data))
        }
        return files
    }

    /// A bundle of `certificate` about `text`: the text itself, or (`digestOnly`) its canonical SHA-256.
    public init(
        certificate: SignedCertificate, text: String, digestOnly: Bool, trustedRoots: [[UInt8]],
        logProof: [UInt8]? = nil
    ) throws(CertificateError) {
        guard let bytes = try? certificate.fileBytes() else { throw CertificateError(.cryptoFailure, "cannot encode the certificate") }
        self.init(
            certificate: bytes, text: digestOnly ? .digest(CanonicalText.sha256(of: text)) : .text(text),
            trustedRoots: trustedRoots, logProof: logProof)
    }
}
