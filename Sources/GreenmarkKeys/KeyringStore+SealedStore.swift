import GreenmarkCore
import GreenmarkCrypto

/// The keyring file as a sealed store: `isSealed`, `seal(previous:holding:)` and the home lock.
extension KeyringStore: SealedStore {
    package var missing: GreenmarkError {
        GreenmarkError(.keyringMissing, "no keyring at \(path); run `greenmark keys init` (or pass --home / set GREENMARK_HOME)")
    }
    package static var writeFailed: GreenmarkError.Code { .keyringWriteFailed }
    package static var cryptoFailed: GreenmarkError.Code { .cryptoFailure }
    package static var corrupt: GreenmarkError.Code { .keyringCorrupt }
    package static var insecure: GreenmarkError.Code { .keyringPermissions }
    package static var purpose: SealedFile.Purpose { .keyring }

    package func reading(with masterKey: MasterKeySource) -> KeyringStore { KeyringStore(directory: directory, masterKey: masterKey) }

    package func readSecret(acceptingPlaintext: Bool) throws(GreenmarkError) -> (keyring: Keyring, revision: Revision) {
        try loadRevision(acceptingPlaintext: acceptingPlaintext)
    }

    package func writeSecret(_ contents: (keyring: Keyring, revision: Revision)) throws(GreenmarkError) {
        try write(contents.keyring, after: contents.revision)
    }
}
