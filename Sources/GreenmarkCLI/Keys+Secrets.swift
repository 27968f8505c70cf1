import ArgumentParser
import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
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
        @Option(name: [.short, .customLong("out")], help: ArgumentHelp("The file to create; an existing file is never overwritten.", valueName: "file"))
        var output: String

        func run() throws {
            let key = try MasterKey.createFile(at: output)
            print("Created master key \(key.id) in \(output) (mode 0600)")
            print("Use it with: export \(MasterKey.fileEnvironmentVariable)=\(output); then run `greenmark keys seal`")
        }
    }

    /// `greenmark keys seal`: rewrite the home's secret files sealed under the master key.
    struct Seal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt the home's secret files (keyring, signing keys, log key) under the master key.",
            discussion: """
            Needs GREENMARK_MASTER_KEY_FILE or GREENMARK_MASTER_KEY. Each plaintext file is rewritten sealed \
            (AES-256-GCM, atomically, mode 0600); sealed files are left alone. The public trust files stay plaintext.
            """
        )
        @OptionGroup var home: HomeOptions

        func run() throws {
            guard let key = try? home.masterKey.masterKey() else {
                // Unusable configuration: rethrow its own error; none at all: say which variables to set.
                _ = try home.masterKey.masterKey()
                throw GreenmarkError(.masterKeyRequired, "`keys seal` needs a master key: set \(MasterKey.fileEnvironmentVariable) (see `greenmark keys master-key`) or \(MasterKey.environmentVariable)")
            }
            let directory = GreenmarkHome.resolve(explicit: home.home)
            var found = 0
            if home.store.exists {
                found += 1
                report(home.store.path, sealed: try home.store.seal(), key)
            }
            if home.signingStore.exists {
                found += 1
                report(home.signingStore.path, sealed: try home.signingStore.seal(), key)
            }
            let logKeyPath = directory + "/" + LogKey.fileName
            if FileManager.default.fileExists(atPath: logKeyPath) {
                found += 1
                report(logKeyPath, sealed: try LogKey.seal(directory: directory, masterKey: home.masterKey), key)
            }
            if found == 0 {
                throw GreenmarkError(.keyringMissing, "no secret files in \(directory); run `greenmark keys init` (or pass --home / set GREENMARK_HOME)")
            }
        }

        private func report(_ path: String, sealed: Bool, _ key: MasterKey) {
            print(sealed ? "Sealed \(path) under master key \(key.id)" : "\(path) is sealed already")
        }
    }
}
