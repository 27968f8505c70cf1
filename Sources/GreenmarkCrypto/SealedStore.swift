/// A store of one secret file in a Greenmark home that a master key may seal (`keyring.json`,
/// `signing.json`): what the home lock, `isSealed` and `seal` need from it, so both stores share
/// one implementation of each (`docs/secrets-at-rest.md`).
package protocol SealedStore: Sendable {
    /// The store's error type; lock and crypto failures are relayed under their own codes.
    associatedtype Failure: CodedError
    /// What the store reads from and writes to its file.
    associatedtype Contents

    /// The Greenmark home holding the file.
    var directory: String { get }
    /// The file's path.
    var path: String { get }
    /// The master key that seals the file, if any.
    var masterKey: MasterKeySource { get }
    /// What a missing home is for this store.
    var missing: Failure { get }
    /// The code of a failed write (a lock failure keeps its own `file.lock_*` code).
    static var writeFailed: Failure.Code { get }
    /// The code of a crypto failure with no code of its own in `Failure`.
    static var cryptoFailed: Failure.Code { get }

    /// The same store reading with another master key (the one a file was sealed under before).
    func reading(with masterKey: MasterKeySource) -> Self
    /// The file's contents; a plaintext file is refused under a master key unless `acceptingPlaintext`.
    func readSecret(acceptingPlaintext: Bool) throws(Failure) -> Contents
    /// Writes `contents` as the file's next generation, sealed when a master key is configured.
    func writeSecret(_ contents: Contents) throws(Failure)
}

extension SealedStore {
    /// Whether the file is sealed under a master key (false when missing or plaintext).
    package var isSealed: Bool { SealedFile.isSealed(fileAt: path) }

    /// The master key, nil when none is configured; an unusable configuration throws its error.
    package func configuredMasterKey() throws(Failure) -> MasterKey? {
        do { return try masterKey.masterKey() } catch { throw Failure(relaying: error, else: Self.cryptoFailed) }
    }

    /// Runs `body` under the home lock: `held` when the caller has it (checked), else taken here.
    package func locked<T>(_ held: HomeLock.Held?, _ body: () throws(Failure) -> T) throws(Failure) -> T {
        try HomeLock(directory: directory).withLock(
            reusing: held, orElse: { Failure(relaying: $0, else: Self.writeFailed) }, missingHome: missing, body)
    }

    /// Rewrites the file sealed under the configured master key (atomically, mode 0600, under the
    /// home lock): a plaintext file, or one sealed under `previous` (master-key rotation); returns
    /// false when it is sealed under the configured key already.
    @discardableResult
    package func seal(previous: MasterKeySource = .none, holding held: HomeLock.Held? = nil) throws(Failure) -> Bool {
        guard let key = try configuredMasterKey() else {
            throw Failure(relaying: SealedFile.sealingNeedsMasterKey, else: Self.cryptoFailed)
        }
        return try locked(held) { () throws(Failure) -> Bool in
            let sealedUnder = SealedFile.masterKeyID(ofFileAt: path)
            if sealedUnder == key.id { return false }
            let contents = try (sealedUnder == nil ? self : reading(with: previous)).readSecret(acceptingPlaintext: sealedUnder == nil)
            try writeSecret(contents)
            return true
        }
    }
}
