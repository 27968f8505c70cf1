import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys

/// `greenmark trust`: signing keys, the trusted-root file and its rotation.
struct Trust: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage certificate signing keys and the trusted-root file.",
        subcommands: [Init.self, Show.self, Export.self, Refresh.self, RotateIssuer.self, RotateRoot.self]
    )

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a root key, an issuing key and trusted root version 1.")
        @OptionGroup var home: HomeOptions

        func run() throws {
            let store = home.signingStore
            let root = try store.initialize(watermarkKeys: home.watermarkKeysForTrust())
            let body = try root.unverifiedBody()
            print("Created signing keys \(store.path)")
            print("Root key: \(body.rootKeys[0].keyID); issuing key: \(body.issuingKeys[0].keyID)")
            print("Trusted root version \(body.version): \(store.trustDirectory)/trusted-root.json")
            home.audit("trust.init", "root \(body.rootKeys[0].keyID), issuing \(body.issuingKeys[0].keyID), version \(body.version)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the current trusted root (public information only).")
        @OptionGroup var home: HomeOptions
        @Flag(help: "Print the trusted-root body as JSON.") var json = false

        func run() throws {
            let body = try home.signingStore.trustedRoot().unverifiedBody()
            if json {
                print(try JSONOutput.encode(body))
                return
            }
            print(
                "Trusted root version \(body.version), issued \(body.issuedAt), expires \(body.expires ?? "never (verifiers refuse it: run greenmark trust refresh)"), threshold \(body.threshold)"
            )
            for r in body.rootKeys { print("  root     \(r.keyID)") }
            for k in body.issuingKeys {
                var line = "  issuing  \(k.keyID)  \(k.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) from \(k.notBefore)"
                if let to = k.notAfter { line += " to \(to)" }
                if let c = k.compromisedSince { line += ", compromised since \(c)" }
                print(line)
            }
            for w in body.watermarkKeys { print("  watermark \(w.keyID) \(w.state)") }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the public trust files (every trusted-root version, root key) to a directory.")
        @OptionGroup var home: HomeOptions
        @Option(name: [.short, .long], help: "Destination directory.") var output: String

        func run() throws {
            let store = home.signingStore
            let fm = FileManager.default
            try fm.createDirectory(atPath: output, withIntermediateDirectories: true)
            let files = try fm.contentsOfDirectory(atPath: store.trustDirectory).filter { $0.hasSuffix(".json") }.sorted()
            for name in files {
                let target = output + "/" + name
                if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
                try fm.copyItem(atPath: store.trustDirectory + "/" + name, toPath: target)
            }
            print("Exported \(files.count) files to \(output): \(files.joined(separator: ", "))")
        }
    }

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a new trusted-root version with a new expiry (same keys); verifiers refuse an expired one.",
            discussion:
                "Run it before the current version expires (for example daily from cron with --if-needed), then publish the files again (greenmark trust export). greenmarkd refreshes by itself."
        )
        @OptionGroup var home: HomeOptions
        @Option(help: "How many days the new version stays fresh.") var days: Int = Int(SigningKeyStore.defaultTrustValidity / 86_400)
        @Flag(name: .customLong("if-needed"), help: "Only when less than half of the validity remains (or the current version states no expiry).")
        var ifNeeded = false

        func validate() throws {
            guard (1...3_650).contains(days) else { throw ValidationError("--days must be between 1 and 3650") }
        }

        func run() throws {
            let store = SigningKeyStore(directory: home.signingStore.directory, masterKey: home.masterKey, trustValidity: TimeInterval(days) * 86_400)
            // The watermark keys are read under the same lock as the publication, so a concurrent
            // `keys disable` cannot be republished with the old state.
            let published = try home.withHomeLock { held -> TrustedRoot? in
                let keys = try home.watermarkKeysForTrust()
                return ifNeeded
                    ? try store.refreshIfNeeded(watermarkKeys: keys, holding: held) : try store.republish(watermarkKeys: keys, holding: held)
            }
            guard let root = published else {
                let body = try store.trustedRoot().unverifiedBody()
                print("Trusted root version \(body.version) is fresh until \(body.expires ?? "-"); nothing to do")
                return
            }
            let body = try root.unverifiedBody()
            print("Trusted root version \(body.version), fresh until \(body.expires ?? "-"); publish it again (greenmark trust export)")
            home.audit("trust.refresh", "version \(body.version), expires \(body.expires ?? "-")")
        }
    }

    struct RotateIssuer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-issuer", abstract: "Retire the active issuing key and activate a new one; old certificates stay valid.")
        @OptionGroup var home: HomeOptions

        func run() throws {
            let body = try home.changeTrust { store, keys, held in try store.rotateIssuer(watermarkKeys: keys, holding: held) }
            let active = body.issuingKeys.last { $0.status == .active }?.keyID ?? "none"
            print("Trusted root version \(body.version); active issuing key \(active)")
            home.audit("trust.rotate_issuer", "active \(active), version \(body.version)")
        }
    }

    struct RotateRoot: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-root", abstract: "Replace the root key; the new trusted root is signed by the old and the new root.")
        @OptionGroup var home: HomeOptions

        func run() throws {
            let body = try home.changeTrust { store, keys, held in try store.rotateRoot(watermarkKeys: keys, holding: held) }
            print("Trusted root version \(body.version); root key \(body.rootKeys[0].keyID)")
            home.audit("trust.rotate_root", "root \(body.rootKeys[0].keyID), version \(body.version)")
        }
    }
}

extension HomeOptions {
    /// The signing-key store for the resolved home.
    var signingStore: SigningKeyStore { SigningKeyStore(directory: GreenmarkHome.resolve(explicit: home), masterKey: masterKey) }

    /// The watermark keys to publish in the trusted root (none when there is no keyring yet).
    func watermarkKeysForTrust() throws -> [WatermarkKey] {
        store.exists ? try store.load().keys : []
    }

    /// Runs `change` on the signing store under the home lock, with the watermark keys as they are
    /// under that lock (so the new trusted root carries them as they are now); the new version's body.
    func changeTrust(_ change: (SigningKeyStore, [WatermarkKey], HomeLock.Held) throws -> TrustedRoot) throws -> TrustedRoot.Body {
        try withHomeLock { held in try change(signingStore, watermarkKeysForTrust(), held) }.unverifiedBody()
    }
}
