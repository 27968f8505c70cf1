import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto

/// Fixed inputs every fuzz target shares: the published example trust material in
/// `certs/examples` (example keys, never to be trusted for anything real) and a fixed watermark key.
public enum FuzzFixtures {
    /// A fixed master key for the sealed-file paths (32 bytes of 0x42: a fuzzing fixture, never a real key).
    public static let masterKey: MasterKey = try! MasterKey(bytes: [UInt8](repeating: 0x42, count: 32))

    /// The repository root (this file is `Fuzz/Sources/FuzzSupport/FuzzFixtures.swift`).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The bytes of `certs/examples/NAME`; stops the fuzzer at start-up if the file is missing.
    public static func example(_ name: String) -> [UInt8] {
        let url = repositoryRoot.appendingPathComponent("certs/examples").appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            fatalError("fuzz fixture missing: \(url.path)")
        }
        return Array(data)
    }

    /// A time at which the example trust material is fresh (trusted root v4 is valid through June
    /// 2026): 2026-06-15T00:00:00Z. A root key alone is never enough (`trust.incomplete`) and an
    /// expired newest version is `trust.stale`, so the anchors are loaded as of then.
    public static let exampleTime = Date(timeIntervalSince1970: 1_781_481_600)

    /// The example root key pinned, chained through trusted roots v1 to v4.
    public static let rootKeyAnchor: TrustAnchor = anchor(
        pinned: example("root-key.json"),
        updates: (1...4).map { example("trusted-root-v\($0).json") }
    )

    /// The example trusted root followed from version 1 to 4 (rotation, revocation, root rotation):
    /// issuers are resolved through the trusted root.
    public static let trustedRootAnchor: TrustAnchor = anchor(
        pinned: example("trusted-root-v1.json"),
        updates: (2...4).map { example("trusted-root-v\($0).json") }
    )

    private static func anchor(pinned: [UInt8], updates: [[UInt8]]) -> TrustAnchor {
        let loaded = TrustAnchor.load(pinned: pinned, updates: updates, at: exampleTime)
        guard let anchor = loaded.anchor else { fatalError("the example trust material does not load: \(loaded.checks)") }
        return anchor
    }

    /// A fixed primary watermark key (LeftHash, h = 1) for detection; its secret is public.
    public static let watermarkKey: WatermarkKey = key(scheme: .default)

    /// A fixed SelfHash (h = 4) key, so both PRFs are exercised.
    public static let selfHashKey: WatermarkKey = key(scheme: .selfHash)

    private static func key(scheme: WatermarkScheme) -> WatermarkKey {
        do {
            return try WatermarkKey(secret: Array(repeating: 0x5A, count: WatermarkKey.secretLength), scheme: scheme, state: .primary)
        } catch {
            fatalError("fixed fuzz key: \(error)")
        }
    }

    /// Splits `data` at NUL bytes (at most `maxParts` parts; the last one keeps any further NULs).
    public static func split(_ data: [UInt8], maxParts: Int) -> [[UInt8]] {
        data.split(separator: 0, maxSplits: maxParts - 1, omittingEmptySubsequences: false).map(Array.init)
    }
}
