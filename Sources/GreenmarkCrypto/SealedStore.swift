import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
    /// The code of a file that is empty, unreadable or not the store's format.
    static var corrupt: Failure.Code { get }
    /// The code of a file readable or writable by group or others.
    static var insecure: Failure.Code { get }
    /// What the file is sealed for.
    static var purpose: SealedFile.Purpose { get }

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

    /// `decode` applied to the file's plaintext, read as every store reads its secret file: it
    /// must exist (`missing`), be neither readable nor writable by group or others (`insecure`)
    /// and not be empty (`corrupt`; also because Foundation on Linux leaks its 4 KiB read buffer
    /// when `contents(atPath:)` reads an empty file, found by the keyring fuzzer); a sealed file is
    /// opened with the configured master key, and a plaintext one is refused under a master key
    /// unless `acceptingPlaintext` (only `seal` passes it). The plaintext is wiped afterwards.
    package func readPlaintext<T>(acceptingPlaintext: Bool, _ decode: (Data) throws(Failure) -> T) throws(Failure) -> T {
        guard FileManager.default.fileExists(atPath: path) else { throw missing }
        var st = stat()
        guard stat(path, &st) == 0 else { throw Failure(Self.corrupt, "cannot stat \(path)") }
        if st.st_mode & 0o077 != 0 {
            throw Failure(Self.insecure, "\(path) is readable by other users (mode \(String(st.st_mode & 0o777, radix: 8))); run chmod 600 on it")
        }
        guard st.st_size > 0 else { throw Failure(Self.corrupt, "\(path) is empty") }
        guard var data = FileManager.default.contents(atPath: path) else { throw Failure(Self.corrupt, "cannot read \(path)") }
        defer { data.resetBytes(in: 0..<data.count) }
        let key = try configuredMasterKey()
        do { try SealedFile.unseal(&data, at: path, purpose: Self.purpose, masterKey: key, acceptingPlaintext: acceptingPlaintext) } catch {
            throw Failure(relaying: error, else: Self.cryptoFailed)
        }
        return try decode(data)
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
