import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys

/// `greenmark keys`: create and manage watermark keys. Secrets are never printed.
struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and manage watermark keys.",
        subcommands: [
            Init.self, List.self, Add.self, Rotate.self, Promote.self, Enable.self, Disable.self, Destroy.self, Revoke.self, Disclose.self,
            MasterKeyFile.self, Seal.self,
        ]
    )

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a keyring with one fresh primary key.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var schemeOptions: SchemeOptions
        @OptionGroup var model: ModelOptions

        func run() throws {
            let scheme = try schemeOptions.scheme(base: .default)
            let vocabulary = try model.vocabularyID()
            let keyring = try home.store.initialize(scheme: scheme, vocabulary: vocabulary)
            let primary = try keyring.primary()
            print("Created keyring \(home.store.path)")
            print("Primary watermark key: \(primary.id) (\(primary.scheme), \(vocabulary ?? "not bound to a vocabulary"))")
            home.audit("keys.init", "primary \(primary.id)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List key ids, states and schemes (never secrets).")
        @OptionGroup var home: HomeOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let keyring = try home.store.load()
            if json {
                let rows = keyring.keys.map { KeyListing(key: $0) }
                print(try JSONOutput.encode(rows))
                return
            }
            let formatter = ISO8601DateFormatter()
            print("ID                   STATE      SCHEME                        CREATED")
            for key in keyring.keys {
                let id = key.id.padding(toLength: 20, withPad: " ", startingAt: 0)
                let state = key.state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                let scheme = key.scheme.description.padding(toLength: 29, withPad: " ", startingAt: 0)
                print("\(id) \(state) \(scheme) \(formatter.string(from: key.createdAt))")
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a fresh detect-only key, to promote later (add, then promote).")
        @OptionGroup var home: HomeOptions
        @OptionGroup var schemeOptions: SchemeOptions

        func run() throws {
            try addKey(home, schemeOptions, primary: false, audit: "keys.add") { key in
                ("Added watermark key \(key.id) (enabled for detection; promote it with `greenmark keys promote \(key.id)`)", key.id)
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a fresh key primary; the old primary stays enabled for detection.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var schemeOptions: SchemeOptions

        func run() throws {
            try addKey(home, schemeOptions, primary: true, audit: "keys.rotate") { key in
                ("New primary watermark key: \(key.id) (\(key.scheme))", "new primary \(key.id)")
            }
        }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an enabled key primary.")
        @OptionGroup var home: HomeOptions
        @Argument(help: "Key id.") var id: String
        func run() throws { try transition(home, id, .primary) }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-enable a disabled key for detection.")
        @OptionGroup var home: HomeOptions
        @Argument(help: "Key id.") var id: String
        func run() throws { try transition(home, id, .enabled) }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop using a key (reversible).")
        @OptionGroup var home: HomeOptions
        @Argument(help: "Key id.") var id: String
        func run() throws { try transition(home, id, .disabled) }
    }

    struct Destroy: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Erase a key's secret for good; its id stays known.")
        @OptionGroup var home: HomeOptions
        @Argument(help: "Key id.") var id: String
        @Flag(help: "Confirm that the secret is to be erased irreversibly.") var yes = false

        func validate() throws {
            guard yes else { throw ValidationError("destroying a key cannot be undone; pass --yes to confirm") }
        }

        func run() throws { try transition(home, id, .destroyed) }
    }

    struct Disclose: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a retired watermark key, so anyone can audit the certificates that commit to it.",
            discussion: """
                Only a disabled key can be disclosed (it no longer watermarks or detects): once public, anyone can \
                write text in its watermark. The file holds the secret; publish it beside the trusted root. \
                `greenmark audit` then checks certificates against it (docs/key-disclosure.md).
                """
        )
        @OptionGroup var home: HomeOptions
        @Argument(help: "Key id.") var id: String
        @Option(name: [.short, .long], help: "Write the disclosure here.") var output: String
        @Flag(help: "Confirm that the key's secret becomes public.") var yes = false

        func validate() throws {
            guard yes else { throw ValidationError("disclosing a key makes its secret public for good; pass --yes to confirm") }
        }

        func run() throws {
            // Recorded in the keyring first, so the key can never be enabled again once public.
            let disclosure = try home.store.modify { ring throws(GreenmarkError) in try ring.disclosing(id) }
            let data = try JSONOutput.encode(disclosure)
            try (data + "\n").write(toFile: output, atomically: true, encoding: .utf8)
            print("Disclosed watermark key \(id) to \(output) (commitment \(disclosure.commitment)); it can no longer be enabled")
            home.audit("keys.disclose", "\(id) commitment \(disclosure.commitment)")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a compromised issuing (signing) key: its certificates issued from the given time on become invalid.",
            discussion: "Watermark keys are not revoked: disable or destroy them instead. A revoked active issuing key is replaced at once."
        )
        @OptionGroup var home: HomeOptions
        @Argument(help: "Issuing key id (gik-...).") var id: String
        @Option(
            name: .customLong("compromised-since"), help: "RFC 3339 UTC time from which the key is considered compromised, e.g. 2026-11-29T00:00:00Z."
        )
        var compromisedSince: String

        func validate() throws {
            guard Timestamp.parse(compromisedSince) != nil else {
                throw ValidationError("--compromised-since must look like 2026-11-29T00:00:00Z")
            }
            guard id.hasPrefix(SigningKeyID.issuerPrefix) else {
                throw ValidationError("only issuing keys (gik-...) can be revoked; disable or destroy watermark keys instead")
            }
        }

        func run() throws {
            let since = Timestamp.parse(compromisedSince)!
            // One lock across reading the watermark keys and publishing, so the new trusted root
            // carries them as they are now.
            let body = try home.changeTrust { store, keys, held in
                try store.revokeIssuer(id, compromisedSince: since, watermarkKeys: keys, holding: held)
            }
            print("Issuing key \(id) revoked (compromised since \(compromisedSince)); trusted root version \(body.version)")
            home.audit("signing.revoke", "\(id) since \(compromisedSince); trusted root version \(body.version)")
        }
    }
}

/// Adds a fresh key under the home lock (`primary`: rotates to it; else enabled for detection only),
/// with the scheme the options ask for (over the primary's; the primary's when no option is given),
/// prints `report`'s message, republishes the trusted root and audits `action` with `report`'s detail.
private func addKey(
    _ home: HomeOptions, _ schemeOptions: SchemeOptions, primary: Bool, audit action: String,
    report: (WatermarkKey) -> (message: String, detail: String)
) throws {
    try home.withHomeLock { held in
        let key = try home.store.modify(holding: held) { keyring throws(GreenmarkError) in
            let scheme = schemeOptions.isEmpty ? nil : try schemeOptions.scheme(base: keyring.primary().scheme)
            return try primary ? keyring.rotated(scheme: scheme) : keyring.adding(scheme: scheme)
        }
        let (message, detail) = report(key)
        print(message)
        try republishTrust(home, holding: held)
        home.audit(action, detail)
    }
}

private func transition(_ home: HomeOptions, _ id: String, _ state: KeyState) throws {
    try home.withHomeLock { held in
        try home.store.modify(holding: held) { keyring throws(GreenmarkError) in (try keyring.setting(id, to: state), ()) }
        print("Key \(id) is now \(state.rawValue)")
        try republishTrust(home, holding: held)
    }
    home.audit("keys.\(state.rawValue == "primary" ? "promote" : state.rawValue)", id)
}

/// Publishes a new trusted-root version with the watermark keys' new states, when this home
/// issues certificates; the caller holds the home lock across the keyring change and this.
private func republishTrust(_ home: HomeOptions, holding held: HomeLock.Held) throws {
    guard home.signingStore.exists else { return }
    let body = try home.signingStore.republish(watermarkKeys: home.watermarkKeysForTrust(), holding: held).unverifiedBody()
    print("Trusted root version \(body.version) published")
}

/// A key as `keys list --json` shows it.
struct KeyListing: Encodable {
    let id: String
    let state: KeyState
    let scheme: WatermarkScheme
    let vocabulary: String?
    let createdAt: Date

    init(key: WatermarkKey) {
        id = key.id
        state = key.state
        scheme = key.scheme
        vocabulary = key.vocabulary
        createdAt = key.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, state, scheme, vocabulary
        case createdAt = "created_at"
    }
}
