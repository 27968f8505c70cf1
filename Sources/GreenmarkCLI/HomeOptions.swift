import ArgumentParser
import Foundation
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys

/// Options shared by every command that touches the keyring.
struct HomeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Greenmark home holding keyring.json (default: $GREENMARK_HOME, else ./keys).", valueName: "dir"))
    var home: String?

    /// The keyring store for the resolved home, sealing under the environment's master key.
    var store: KeyringStore { KeyringStore(directory: GreenmarkHome.resolve(explicit: home), masterKey: masterKey) }

    /// Runs `body` holding the home-wide lock (`HomeLock`), for commands that change several key
    /// files as one step (a keyring change and the trusted root republished from it): `body`
    /// passes the lock it gets to the stores (`holding:`), which then do not lock again.
    func withHomeLock<T>(_ body: (HomeLock.Held) throws -> T) throws -> T {
        let directory = GreenmarkHome.resolve(explicit: home)
        guard FileManager.default.fileExists(atPath: directory) else {
            throw GreenmarkError(.keyringMissing, "no keyring at \(store.path); run `greenmark keys init` (or pass --home / set GREENMARK_HOME)")
        }
        return try HomeLock(directory: directory).withLock(body)
    }

    /// The master key `GREENMARK_MASTER_KEY_FILE` or `GREENMARK_MASTER_KEY` configures (never an option:
    /// command lines are visible to other users in /proc and `ps`).
    var masterKey: MasterKeySource { .environment() }

    /// The keys to score under: key `id` alone when given, else every primary and enabled key.
    func detectionKeys(id: String?) throws -> [WatermarkKey] {
        let keyring = try store.load()
        return try id.map { id throws(GreenmarkError) in [try keyring.key(id: id)] } ?? keyring.detectionKeys
    }
}
