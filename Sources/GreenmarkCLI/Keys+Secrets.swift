import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkTransparency

extension Keys {
    /// `greenmark keys master-key --out FILE`: a new master key in a mode-0600 file.
    struct MasterKeyFile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "master-key",
            abstract: "Create a master key file (mode 0600) that seals the home's secret files.",
            discussion: """
                The key is written to the file only, never printed. Point GREENMARK_MASTER_KEY_FILE at it (or put its \
                contents in GREENMARK_MASTER_KEY) for greenmark and greenmarkd, then run `greenmark keys seal`. Keep it \
                apart from the home and its backups: whoever holds both reads the keys (docs/secrets-at-rest.md).
                """
        )
        @Option(
            name: [.short, .customLong("out")], help: ArgumentHelp("The file to create; an existing file is never overwritten.", valueName: "file"))
        var output: String

        func run() throws {
            let key = try MasterKey.createFile(at: output)
            print("Created master key \(key.id) in \(output) (mode 0600)")
            print("Use it with: export \(MasterKey.fileEnvironmentVariable)=\(output); then run `greenmark keys seal`")
        }
    }

    /// `greenmark keys seal`: rewrite the home's secret files sealed under the master key, from
    /// plaintext or from a previous master key (rotation).
    struct Seal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt the home's secret files (keyring, signing keys, log key) under the master key, or re-seal them under a new one.",
            discussion: """
                Needs GREENMARK_MASTER_KEY_FILE or GREENMARK_MASTER_KEY. Each plaintext file is rewritten sealed \
                (AES-256-GCM, atomically, mode 0600); files sealed under that key are left alone. The public trust \
                files stay plaintext.

                Rotating the master key: create a new key with `keys master-key`, point GREENMARK_MASTER_KEY_FILE at \
                it and pass the old key's file with --previous-key-file. Each file is opened with the old key and \
                rewritten under the new one, one file at a time; if the command stops half-way, run it again (files \
                already under the new key are skipped). Keep the old key until every home that used it is re-sealed \
                (docs/secrets-at-rest.md).
                """
        )
        @OptionGroup var home: HomeOptions
        @Option(
            name: .customLong("previous-key-file"),
            help: ArgumentHelp("The previous master key's file (mode 0600), to re-seal files sealed under it.", valueName: "file"))
        var previousKeyFile: String?

        func run() throws {
            guard let key = try? home.masterKey.masterKey() else {
                // Unusable configuration: rethrow its own error; none at all: say which variables to set.
                _ = try home.masterKey.masterKey()
                throw GreenmarkError(
                    .masterKeyRequired,
                    "`keys seal` needs a master key: set \(MasterKey.fileEnvironmentVariable) (see `greenmark keys master-key`) or \(MasterKey.environmentVariable)"
                )
            }
            let previous: MasterKeySource = try previousKeyFile.map { .key(try MasterKey.load(file: $0)) } ?? .none
            let directory = GreenmarkHome.resolve(explicit: home.home)
            let logKeyPath = directory + "/" + LogKey.fileName
            // Each existing secret file with the master key it is sealed under (nil: plaintext), read once.
            let files = [home.store.path, home.signingStore.path, logKeyPath].filter { FileManager.default.fileExists(atPath: $0) }
                .map { (path: $0, sealedUnder: SealedFile.masterKeyID(ofFileAt: $0)) }
            if files.isEmpty {
                throw GreenmarkError(
                    .keyringMissing, "no secret files in \(directory); run `greenmark keys init` (or pass --home / set GREENMARK_HOME)")
            }
            // Checked before anything is rewritten: every file must open with a key this run has.
            let previousID = try previous.masterKey()?.id
            let usable = Set([key.id] + (previousID.map { [$0] } ?? []))
            for (path, sealedUnder) in files {
                guard let id = sealedUnder, !usable.contains(id) else { continue }
                throw GreenmarkError(
                    .wrongMasterKey,
                    "\(path) is sealed under master key \(id.prefix(32)), not \(usable.sorted().joined(separator: " or ")); "
                        + "to re-seal it under \(key.id), pass that key's file with --previous-key-file")
            }
            // One lock for all three files: no key change runs between them.
            try home.withHomeLock { held in
                for (path, before) in files {
                    let sealed: Bool
                    switch path {
                    case home.store.path: sealed = try home.store.seal(previous: previous, holding: held)
                    case home.signingStore.path: sealed = try home.signingStore.seal(previous: previous, holding: held)
                    default: sealed = try LogKey.seal(directory: directory, masterKey: home.masterKey, previous: previous, holding: held)
                    }
                    if !sealed {
                        print("\(path) is sealed already under master key \(key.id)")
                    } else if let before {
                        print("Re-sealed \(path) from master key \(before) to \(key.id)")
                    } else {
                        print("Sealed \(path) under master key \(key.id)")
                    }
                }
            }
            home.audit("keys.seal", "\(files.count) secret files under master key \(key.id.prefix(32))")
        }
    }
}
