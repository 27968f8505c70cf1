import FuzzSupport
import GreenmarkCertificates

/// libFuzzer entry point: the input is a certificate file's bytes. It is verified without a text
/// under the pinned example root key (issuer from the endorsement) and under the example trusted
/// root v1→v4 (issuer from the trusted root); both reports must be consistent, and nothing may crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCertificate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for anchor in [FuzzFixtures.rootKeyAnchor, FuzzFixtures.trustedRootAnchor] {
        let report = CertificateVerifier(anchor: anchor).verify(certificate: bytes, text: nil)
        FuzzCheck.reportIsConsistent(report, textGiven: false)
    }
    return 0
}
