// swift-tools-version: 6.2
import PackageDescription

/// Settings shared by every Swift target: the upcoming-feature flags Hummingbird uses.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "greenmark",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "greenmark", targets: ["greenmark"]),
        .executable(name: "greenmarkd", targets: ["greenmarkd"]),
        .library(name: "GreenmarkCore", targets: ["GreenmarkCore"]),
        .library(name: "GreenmarkKeys", targets: ["GreenmarkKeys"]),
        .library(name: "GreenmarkModel", targets: ["GreenmarkModel"]),
        // For the separate fuzzing package in Fuzz/ (a path dependency sees products only).
        .library(name: "GreenmarkCertificates", targets: ["GreenmarkCertificates"]),
        .library(name: "GreenmarkDocuments", targets: ["GreenmarkDocuments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Default traits only (JSON files): the YAML trait would add Yams, Reloading adds service-lifecycle metrics.
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        // Reads .docx/.odt members and LMS export archives in memory (GreenmarkDocuments).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C shims. Only GreenmarkCrypto imports COpenSSL; only GreenmarkModel imports CLlama.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CLlama",
            pkgConfig: "llama"
        ),
        // libpq, PostgreSQL's own client library; only GreenmarkStorage's PostgreSQL backend imports it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),

        // Crypto façade over libcrypto: HMAC-SHA256, SHA-256, CSPRNG, constant-time compare.
        .target(
            name: "GreenmarkCrypto",
            dependencies: ["COpenSSL"],
            swiftSettings: swiftSettings
        ),
        // Core: PRF and green lists, detector, statistics, normalization, keys as values, tokenizer protocol.
        // Pure: no file I/O (docs/architecture.md; ModuleEdgeTests checks its imports).
        .target(
            name: "GreenmarkCore",
            dependencies: ["GreenmarkCrypto"],
            exclude: ["Normalization/Data"],
            swiftSettings: swiftSettings
        ),
        // Keys: the keyring file in a Greenmark home (atomic, locked, optionally sealed) and where the home is.
        .target(
            name: "GreenmarkKeys",
            dependencies: ["GreenmarkCore", "GreenmarkCrypto"],
            swiftSettings: swiftSettings
        ),
        // Certificates: formats, signing, trust roots and offline verification.
        .target(
            name: "GreenmarkCertificates",
            dependencies: ["GreenmarkCore", "GreenmarkCrypto", "GreenmarkTransparency"],
            swiftSettings: swiftSettings
        ),
        // Documents: text of .docx/.odt/.pdf/.html/.rtf/.txt under limits (pdftotext in a limited child
        // process), the versioned reflow, and LMS submission exports.
        .target(
            name: "GreenmarkDocuments",
            dependencies: ["GreenmarkCore", "GreenmarkCrypto", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        // Model: llama.cpp loading, the tokenizer adapter and the generator. Not certificates: the generator writes a
        // GenerationRecord (Core) and GreenmarkCertificates signs it.
        .target(
            name: "GreenmarkModel",
            dependencies: ["CLlama", "GreenmarkCore", "GreenmarkCrypto"],
            swiftSettings: swiftSettings
        ),
        // Evaluation: detectability and quality measured on the real model.
        .target(
            name: "GreenmarkEval",
            dependencies: ["GreenmarkCore", "GreenmarkModel", "GreenmarkCrypto"],
            swiftSettings: swiftSettings
        ),
        // Transparency log: RFC 9162 Merkle tree hashing, inclusion and consistency proofs, C2SP checkpoints.
        .target(
            name: "GreenmarkTransparency",
            dependencies: ["GreenmarkCrypto"],
            swiftSettings: swiftSettings
        ),
        // Storage: the certificate registry, audit log, API tokens and shared key files, in SQLite
        // (GRDB, WAL; the default) or PostgreSQL (libpq; several daemons).
        .target(
            name: "GreenmarkStorage",
            dependencies: ["CLibPQ", "GreenmarkCrypto", "GreenmarkTransparency", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // HTTP server: the greenmarkd routes over Hummingbird.
        .target(
            name: "GreenmarkServer",
            dependencies: [
                "GreenmarkCore", "GreenmarkKeys", "GreenmarkCertificates", "GreenmarkModel", "GreenmarkStorage", "GreenmarkCrypto",
                "GreenmarkTransparency", "GreenmarkDocuments",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            // The web pages (Resources/web); certs/verify.html is added by the VerifyPageResource plugin.
            resources: [.process("Resources")],
            swiftSettings: swiftSettings,
            plugins: ["VerifyPageResource"]
        ),
        // Copies certs/verify.html into GreenmarkServer's resources, so greenmarkd serves that very file at /verify.
        .plugin(name: "VerifyPageResource", capability: .buildTool()),
        // The daemon's command line (ArgumentParser, over swift-configuration); everything else is GreenmarkServer.
        .executableTarget(
            name: "greenmarkd",
            dependencies: [
                "GreenmarkServer",
                "GreenmarkStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: swiftSettings
        ),
        // The `greenmark` command tree, as a library so tests can parse and run it.
        .target(
            name: "GreenmarkCLI",
            dependencies: [
                "GreenmarkCore",
                "GreenmarkKeys",
                "GreenmarkModel",
                "GreenmarkEval",
                "GreenmarkCertificates",
                "GreenmarkCrypto",
                "GreenmarkTransparency",
                "GreenmarkStorage",
                "GreenmarkDocuments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "greenmark",
            dependencies: ["GreenmarkCLI"],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "GreenmarkCryptoTests",
            dependencies: ["GreenmarkCrypto", "GreenmarkTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GreenmarkCoreTests",
            dependencies: ["GreenmarkCore", "GreenmarkKeys", "GreenmarkCrypto", "GreenmarkTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GreenmarkKeysTests",
            dependencies: ["GreenmarkKeys", "GreenmarkCore", "GreenmarkCrypto"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GreenmarkCertificatesTests",
            dependencies: ["GreenmarkCertificates", "GreenmarkCore", "GreenmarkCrypto", "GreenmarkTransparency", "GreenmarkTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GreenmarkDocumentsTests",
            dependencies: [
                "GreenmarkDocuments", "GreenmarkCore", "GreenmarkCrypto", "GreenmarkTestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GreenmarkModelTests",
            dependencies: ["GreenmarkModel", "GreenmarkCore", "GreenmarkCertificates", "GreenmarkCrypto"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GreenmarkEvalTests",
            dependencies: ["GreenmarkEval", "GreenmarkModel", "GreenmarkCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GreenmarkTransparencyTests",
            dependencies: ["GreenmarkTransparency", "GreenmarkCrypto", "GreenmarkTestSupport"],
            swiftSettings: swiftSettings
        ),
        // Test support shared by test targets: a real PostgreSQL server started for the tests, free
        // loopback ports, subprocesses, and the external vectors in ../shared/external-vectors.
        .target(
            name: "GreenmarkTestSupport",
            path: "Tests/GreenmarkTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GreenmarkStorageTests",
            dependencies: ["GreenmarkStorage", "GreenmarkTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GreenmarkServerTests",
            dependencies: [
                "greenmarkd", "GreenmarkServer", "GreenmarkStorage", "GreenmarkCore", "GreenmarkKeys", "GreenmarkCertificates",
                "GreenmarkModel", "GreenmarkTestSupport", "GreenmarkCrypto", "GreenmarkTransparency", "GreenmarkDocuments",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GreenmarkCLITests",
            dependencies: [
                "GreenmarkCLI",
                "GreenmarkTestSupport",
                "GreenmarkCore",
                "GreenmarkKeys",
                "GreenmarkCrypto",
                "GreenmarkStorage",
                "GreenmarkTransparency",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ]
)
