import FuzzSupport
import GreenmarkCertificates

/// libFuzzer entry point: the input is `certificate NUL text` (no NUL: the whole input is the
/// certificate and the text is empty). Verifies with the text under both example anchors, so the
/// text path (UTF-8 check, canonicalization, digest comparison) is fuzzed together with parsing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCertificateText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parts = FuzzFixtures.split(Array(UnsafeBufferPointer(start: data, count: size)), maxParts: 2)
    let certificate = parts[0]
    let text = parts.count > 1 ? parts[1] : []
    for anchor in [FuzzFixtures.rootKeyAnchor, FuzzFixtures.trustedRootAnchor] {
        let report = CertificateVerifier(anchor: anchor).verify(certificate: certificate, text: text)
        FuzzCheck.reportIsConsistent(report, textGiven: true)
    }
    return 0
}
