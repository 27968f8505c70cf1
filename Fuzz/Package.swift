// swift-tools-version: 6.2
import PackageDescription

/// libFuzzer targets for Greenmark's parsers and the detect input path (`docs/reliability.md`).
///
/// A separate package, so the main `swift build` / `swift test` never builds them. Build and run
/// with `bash scripts/fuzz.sh [target] [runs]`, which does:
///
///     swift build -c release --package-path Fuzz --scratch-path Fuzz/.build \
///         -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
///
/// Each executable is a libFuzzer binary: `Fuzz/.build/release/FuzzCertificate Fuzz/Corpus/certificate`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let core = Target.Dependency.product(name: "GreenmarkCore", package: "greenmark")
let keys = Target.Dependency.product(name: "GreenmarkKeys", package: "greenmark")
let certificates = Target.Dependency.product(name: "GreenmarkCertificates", package: "greenmark")
let documents = Target.Dependency.product(name: "GreenmarkDocuments", package: "greenmark")

let package = Package(
    name: "greenmark-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "greenmark", path: "..")
    ],
    targets: [
        // Fixtures (the example trust anchor, a fixed watermark key) and the byte tokenizer.
        .target(name: "FuzzSupport", dependencies: [core, certificates], swiftSettings: swiftSettings),
        // (a) certificate bytes → CertificateVerifier.verify, under a pinned root key and a trusted root.
        .executableTarget(name: "FuzzCertificate", dependencies: ["FuzzSupport", core, certificates], swiftSettings: swiftSettings),
        // (a') certificate bytes NUL text bytes → verify with the text.
        .executableTarget(name: "FuzzCertificateText", dependencies: ["FuzzSupport", core, certificates], swiftSettings: swiftSettings),
        // (b) pinned trust file NUL update NUL update ... → TrustAnchor.load.
        .executableTarget(name: "FuzzTrustAnchor", dependencies: ["FuzzSupport", certificates], swiftSettings: swiftSettings),
        // (c) keyring.json bytes → KeyringStore.load (through a 0600 file on tmpfs) and a save/load round trip.
        .executableTarget(name: "FuzzKeyring", dependencies: ["FuzzSupport", core, keys], swiftSettings: swiftSettings),
        // (d) bytes → TextInput.decodeUTF8 → TextNormalizer (idempotence) → CanonicalText → Detector.
        .executableTarget(name: "FuzzDetect", dependencies: ["FuzzSupport", core], swiftSettings: swiftSettings),
        // (e) bytes → DocumentExtractor (raw under a file name, or as a .docx/.odt member, HTML, RTF) and
        // SubmissionArchive (a ZIP export of the bytes' members).
        .executableTarget(name: "FuzzDocuments", dependencies: ["FuzzSupport", documents], swiftSettings: swiftSettings),
    ]
)
