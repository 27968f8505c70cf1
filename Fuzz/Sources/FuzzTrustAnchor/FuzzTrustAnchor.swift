import FuzzSupport
import GreenmarkCertificates

/// libFuzzer entry point: the input is `pinned NUL update NUL update ...` (at most four updates).
/// `TrustAnchor.load` must return an anchor exactly when every check passed, and never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTrustAnchor(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parts = FuzzFixtures.split(Array(UnsafeBufferPointer(start: data, count: size)), maxParts: 5)
    let loaded = TrustAnchor.load(pinned: parts[0], updates: Array(parts.dropFirst()))
    let failures = loaded.checks.filter { !$0.passed }.map(\.code)
    FuzzCheck.require(!loaded.checks.isEmpty, "no checks")
    FuzzCheck.require((loaded.anchor == nil) == !failures.isEmpty, "anchor \(loaded.anchor != nil) with failures \(failures)")
    if let anchor = loaded.anchor {
        FuzzCheck.require(!anchor.trustedRoot.rootKeys.isEmpty, "an anchor without root keys")
        // A loaded anchor must be usable: verifying the example certificate must not crash.
        let report = CertificateVerifier(anchor: anchor).verify(certificate: FuzzFixtures.example("detection-attestation.json"), text: nil)
        FuzzCheck.reportIsConsistent(report, textGiven: false)
    }
    return 0
}
