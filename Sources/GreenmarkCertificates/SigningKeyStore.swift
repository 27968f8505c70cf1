import Foundation
import GreenmarkCore
import GreenmarkCrypto

#if canImport(Glibc)
    import Glibc
#endif

/// The issuer's signing keys in a Greenmark home: `signing.json` (mode 0600: root and issuing key
/// seeds, windows, statuses) and the public trust files under `trust/` (every trusted-root
/// version, the latest as `trusted-root.json`, and `root-key.json`).
///
/// With a master key, `signing.json` is written sealed (`greenmark-sealed-v1`, purpose `signing`,
/// `docs/secrets-at-rest.md`) and a plaintext one is refused (`secrets.plaintext_refused`; only
/// `seal()` takes it in); the trust files stay public.
///
/// Every change loads, changes and writes the state under the home-wide `HomeLock` (taken by the
/// method, or passed as `holding:` by a caller that holds it already, e.g. a command that changes
/// the keyring and republishes the trusted root), so concurrent changes are never lost and each
/// trusted-root version is written exactly once, as one document. Files are written through
/// `AtomicFileWriter`; each write of `signing.json` increments its `generation` and keeps its
/// `lineage` (`docs/scale-out.md`).
public struct SigningKeyStore: Sendable {
    public static let fileName = "signing.json"

    /// How long a published trusted-root version stays fresh unless a default is given: 30 days.
    public static let defaultTrustValidity: TimeInterval = 30 * 86_400

    public let directory: String
    /// The master key that seals `signing.json`, if any.
    public let masterKey: MasterKeySource
    /// How long each trusted-root version this store publishes stays fresh (its `expires`).
    public let trustValidity: TimeInterval
    public var path: String { directory + "/" + Self.fileName }
    public var trustDirectory: String { directory + "/trust" }

    public init(directory: String, masterKey: MasterKeySource = .none, trustValidity: TimeInterval = SigningKeyStore.defaultTrustValidity) {
        self.directory = directory
        self.masterKey = masterKey
        self.trustValidity = trustValidity
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The on-disk state.
    package struct State: Codable {
        struct RootRecord: Codable {
            let keyID: String
            let seedHex: String
            let createdAt: String
            enum CodingKeys: String, CodingKey {
                case keyID = "key_id"
                case seedHex = "seed_hex"
                case createdAt = "created_at"
            }
        }

        struct IssuerRecord: Codable {
            var entry: TrustedRoot.IssuingKey
            let seedHex: String
            let endorsement: Endorsement
            enum CodingKeys: String, CodingKey {
                case entry
                case seedHex = "seed_hex"
                case endorsement
            }
        }

        var format = "greenmark-signing-keys"
        var version = 1
        /// Incremented by every write of the file; absent (0) in files written before it existed.
        var generation: Int?
        /// A random id given when the keys were created, kept by every write.
        var lineage: String?
        var rootKeys: [RootRecord]
        var issuers: [IssuerRecord]
        var trustedRootVersion: Int

        enum CodingKeys: String, CodingKey {
            case format, version, generation, lineage
            case rootKeys = "root_keys"
            case issuers
            case trustedRootVersion = "trusted_root_version"
        }
    }

    /// Creates a root key, a first issuing key and trusted root version 1.
    @discardableResult
    public func initialize(watermarkKeys: [WatermarkKey], now: Date = Date(), holding held: HomeLock.Held? = nil) throws(CertificateError)
        -> TrustedRoot
    {
        do { try AtomicFileWriter.ensureDirectory(directory) } catch { throw CertificateError(relaying: error, else: Self.writeFailed) }
        return try locked(held) { () throws(CertificateError) -> TrustedRoot in
            guard !exists else { throw CertificateError(.signingKeysExist, "signing keys already exist at \(path); refusing to overwrite them") }
            let (root, rootSeed) = try generate()
            var state = State(
                rootKeys: [.init(keyID: SigningKeyID.root(root.publicKey), seedHex: Hex.encode(rootSeed), createdAt: Timestamp.format(now))],
                issuers: [], trustedRootVersion: 0
            )
            try addActiveIssuer(&state, endorsedBy: root, now: now)
            return try publish(&state, signers: [root], watermarkKeys: watermarkKeys, now: now)
        }
    }

    /// The issuer for the active issuing key.
    public func activeIssuer() throws(CertificateError) -> CertificateIssuer {
        let state = try load()
        guard let record = state.issuers.last(where: { $0.entry.status == .active }) else {
            throw CertificateError(.noActiveIssuer, "no active issuing key; run `greenmark trust rotate-issuer`")
        }
        return CertificateIssuer(key: try privateKey(record.seedHex), endorsement: record.endorsement)
    }

    /// The current root public key (the one that signs the next trusted-root version), derived
    /// from the seed in `signing.json` (decrypted; callers cache it per file version). This, not
    /// `trust/root-key.json`, is what the daemon pins: a file in `trust/` may have been replaced.
    public func rootKeyFile() throws(CertificateError) -> RootKeyFile {
        let state = try load()
        return RootKeyFile(try privateKey(state.rootKeys.last!.seedHex).publicKey)
    }

    /// The latest trusted root.
    public func trustedRoot() throws(CertificateError) -> TrustedRoot {
        try readTrustedRoot(at: trustDirectory + "/trusted-root.json")
    }

    /// Reads trusted-root version `n`.
    public func trustedRoot(version n: Int) throws(CertificateError) -> TrustedRoot {
        try readTrustedRoot(at: trustDirectory + "/trusted-root-v\(n).json")
    }

    /// Retires the active issuing key (its window closes now) and activates a new one.
    @discardableResult
    public func rotateIssuer(watermarkKeys: [WatermarkKey], now: Date = Date(), holding held: HomeLock.Held? = nil) throws(CertificateError)
        -> TrustedRoot
    {
        try locked(held) { () throws(CertificateError) -> TrustedRoot in
            var state = try load()
            for i in state.issuers.indices where state.issuers[i].entry.status == .active {
                state.issuers[i].entry.status = .retired
                state.issuers[i].entry.notAfter = Timestamp.format(now)
            }
            let root = try privateKey(state.rootKeys.last!.seedHex)
            try addActiveIssuer(&state, endorsedBy: root, now: now)
            return try publish(&state, signers: [root], watermarkKeys: watermarkKeys, now: now)
        }
    }

    /// Marks issuing key `id` compromised since `since`: its certificates issued from then on fail.
    /// A revoked active key is replaced by a new active key.
    @discardableResult
    public func revokeIssuer(
        _ id: String, compromisedSince since: Date, watermarkKeys: [WatermarkKey], now: Date = Date(),
        holding held: HomeLock.Held? = nil
    ) throws(CertificateError) -> TrustedRoot {
        try locked(held) { () throws(CertificateError) -> TrustedRoot in
            var state = try load()
            guard let i = state.issuers.firstIndex(where: { $0.entry.keyID == id }) else {
                throw CertificateError(.unknownKey, "no issuing key with id \(id)")
            }
            let wasActive = state.issuers[i].entry.status == .active
            state.issuers[i].entry.status = .revoked
            state.issuers[i].entry.compromisedSince = Timestamp.format(since)
            if state.issuers[i].entry.notAfter == nil { state.issuers[i].entry.notAfter = Timestamp.format(now) }
            let root = try privateKey(state.rootKeys.last!.seedHex)
            if wasActive { try addActiveIssuer(&state, endorsedBy: root, now: now) }
            return try publish(&state, signers: [root], watermarkKeys: watermarkKeys, now: now)
        }
    }

    /// Replaces the root key: the new trusted-root version is signed by the old and the new root,
    /// so verifiers pinned to the old version can follow.
    @discardableResult
    public func rotateRoot(watermarkKeys: [WatermarkKey], now: Date = Date(), holding held: HomeLock.Held? = nil) throws(CertificateError)
        -> TrustedRoot
    {
        try locked(held) { () throws(CertificateError) -> TrustedRoot in
            var state = try load()
            let old = try privateKey(state.rootKeys.last!.seedHex)
            let (new, seed) = try generate()
            state.rootKeys = [.init(keyID: SigningKeyID.root(new.publicKey), seedHex: Hex.encode(seed), createdAt: Timestamp.format(now))]
            // Re-endorse live issuing keys under the new root for certificates issued from now on.
            for i in state.issuers.indices where state.issuers[i].entry.status == .active {
                let key = try privateKey(state.issuers[i].seedHex)
                state.issuers[i] = .init(
                    entry: state.issuers[i].entry, seedHex: state.issuers[i].seedHex,
                    endorsement: try Endorsement.sign(
                        issuer: key.publicKey, notBefore: Timestamp.parse(state.issuers[i].entry.notBefore) ?? now, notAfter: nil, root: new))
            }
            return try publish(&state, signers: [old, new], watermarkKeys: watermarkKeys, now: now)
        }
    }

    /// Republishes the trusted root when the latest version states no expiry or less than half of
    /// `trustValidity` remains at `now`; returns the new version, or nil when the latest is fresh enough.
    @discardableResult
    public func refreshIfNeeded(watermarkKeys: [WatermarkKey], now: Date = Date(), holding held: HomeLock.Held? = nil) throws(CertificateError)
        -> TrustedRoot?
    {
        try locked(held) { () throws(CertificateError) -> TrustedRoot? in
            let body = try trustedRoot().unverifiedBody()
            if let expires = body.expires.flatMap(Timestamp.parse), expires.timeIntervalSince(now) > trustValidity / 2 { return nil }
            return try republishLocked(watermarkKeys: watermarkKeys, now: now)
        }
    }

    /// Republishes the trusted root (e.g. after a watermark-key change), signed by the current root.
    @discardableResult
    public func republish(watermarkKeys: [WatermarkKey], now: Date = Date(), holding held: HomeLock.Held? = nil) throws(CertificateError)
        -> TrustedRoot
    {
        try locked(held) { () throws(CertificateError) -> TrustedRoot in try republishLocked(watermarkKeys: watermarkKeys, now: now) }
    }

    // MARK: - Internals

    /// `republish`, with the home lock held.
    private func republishLocked(watermarkKeys: [WatermarkKey], now: Date) throws(CertificateError) -> TrustedRoot {
        var state = try load()
        let root = try privateKey(state.rootKeys.last!.seedHex)
        return try publish(&state, signers: [root], watermarkKeys: watermarkKeys, now: now)
    }

    /// Generates a new issuing key, active from `now`, endorsed by `root`.
    private func addActiveIssuer(_ state: inout State, endorsedBy root: Ed25519PrivateKey, now: Date) throws(CertificateError) {
        let (issuer, seed) = try generate()
        state.issuers.append(
            .init(
                entry: .init(
                    keyID: SigningKeyID.issuer(issuer.publicKey), publicKey: Base64URL.encode(issuer.publicKey.rawRepresentation),
                    notBefore: Timestamp.format(now), notAfter: nil, status: .active, compromisedSince: nil),
                seedHex: Hex.encode(seed), endorsement: try Endorsement.sign(issuer: issuer.publicKey, notBefore: now, notAfter: nil, root: root)))
    }

    private func publish(_ state: inout State, signers: [Ed25519PrivateKey], watermarkKeys: [WatermarkKey], now: Date) throws(CertificateError)
        -> TrustedRoot
    {
        state.trustedRootVersion += 1
        // A version file beyond the state is left by a publication that stopped before it wrote
        // `signing.json` (a crash): it may have been served, so it is kept and the next number used.
        while FileManager.default.fileExists(atPath: trustDirectory + "/trusted-root-v\(state.trustedRootVersion).json") {
            state.trustedRootVersion += 1
        }
        let rootKeys = try state.rootKeys.map { r throws(CertificateError) in
            TrustedRoot.RootKey(keyID: r.keyID, publicKey: Base64URL.encode(try privateKey(r.seedHex).publicKey.rawRepresentation))
        }
        let body = TrustedRoot.Body(
            version: state.trustedRootVersion, issuedAt: Timestamp.format(now), expires: Timestamp.format(now + trustValidity),
            threshold: 1, rootKeys: rootKeys,
            issuingKeys: state.issuers.map(\.entry),
            watermarkKeys: watermarkKeys.map { .init(keyID: $0.id, state: $0.state.rawValue, scheme: SignedScheme($0.scheme)) }
        )
        let root = try TrustedRoot.sign(body, with: signers)
        let encoder = JWS.fileEncoder
        let rootData: Data
        let rootKeyData: Data
        let current = try privateKey(state.rootKeys.last!.seedHex)
        do {
            rootData = try encoder.encode(root) + Data([0x0a])
            rootKeyData = try encoder.encode(RootKeyFile(current.publicKey)) + Data([0x0a])
        } catch {
            throw CertificateError(.writeFailed, "cannot encode trust files: \(error.localizedDescription)")
        }
        do {
            try FileManager.default.createDirectory(atPath: trustDirectory, withIntermediateDirectories: true)
        } catch {
            throw CertificateError(.writeFailed, "cannot create \(trustDirectory): \(error.localizedDescription)")
        }
        // A version file is written once: one document per version, never replaced.
        do {
            try AtomicFileWriter.write(rootData, to: trustDirectory + "/trusted-root-v\(body.version).json", access: .public, existing: .refuse)
            try AtomicFileWriter.write(rootData, to: trustDirectory + "/trusted-root.json", access: .public)
            try AtomicFileWriter.write(rootKeyData, to: trustDirectory + "/root-key.json", access: .public)
        } catch  where error.code == .exists {
            throw CertificateError(
                .writeFailed,
                "trusted-root version \(body.version) appeared in \(trustDirectory) while it was being "
                    + "published (a writer that does not take the home lock?); refusing to write a second document under that version")
        } catch {
            throw CertificateError(relaying: error, else: Self.writeFailed)
        }
        try writeSecret(&state)
        return root
    }

    /// Writes `signing.json` (mode 0600) as the next generation of `state`, sealed when a master
    /// key is configured.
    func writeSecret(_ state: inout State) throws(CertificateError) {
        state.generation = (state.generation ?? 0) + 1
        if state.lineage == nil {
            do { state.lineage = Hex.encode(try SecureRandom.bytes(count: 16)) } catch {
                throw CertificateError(.cryptoFailure, "cannot draw a lineage id: \(error.reason)")
            }
        }
        let encoder = JWS.fileEncoder
        var secret: Data
        do { secret = try encoder.encode(state) } catch {
            throw CertificateError(.writeFailed, "cannot encode the signing keys")
        }
        defer { secret.resetBytes(in: 0..<secret.count) }
        let key = try configuredMasterKey()
        do { try SealedFile.seal(&secret, at: path, purpose: .signing, masterKey: key) } catch {
            throw CertificateError(relaying: error, else: .cryptoFailure)
        }
        do { try AtomicFileWriter.write(secret, to: path, access: .secret) } catch { throw CertificateError(relaying: error, else: Self.writeFailed) }
    }

    /// The decrypted state. With a master key configured a plaintext file is refused unless
    /// `acceptingPlaintext` (only `seal()` passes it).
    func load(acceptingPlaintext: Bool = false) throws(CertificateError) -> State {
        try readPlaintext(acceptingPlaintext: acceptingPlaintext) { data throws(CertificateError) -> State in
            guard let state = try? JSONDecoder().decode(State.self, from: data), state.format == "greenmark-signing-keys", !state.rootKeys.isEmpty
            else {
                throw CertificateError(.signingKeysCorrupt, "\(path) is not a valid signing-key file")
            }
            return state
        }
    }

    private func readTrustedRoot(at file: String) throws(CertificateError) -> TrustedRoot {
        guard let data = FileManager.default.contents(atPath: file), let root = try? JSONDecoder().decode(TrustedRoot.self, from: data) else {
            throw CertificateError(.trustUnreadable, "cannot read \(file)")
        }
        return root
    }

    private func generate() throws(CertificateError) -> (Ed25519PrivateKey, [UInt8]) {
        do {
            let (key, seed) = try Ed25519PrivateKey.generate()
            return (key, seed)
        } catch {
            throw CertificateError(.cryptoFailure, error.description)
        }
    }

    private func privateKey(_ hex: String) throws(CertificateError) -> Ed25519PrivateKey {
        do {
            var seed = try Hex.decode(hex)
            defer { ConstantTime.wipe(&seed) }
            return try Ed25519PrivateKey(seed: seed)
        } catch {
            throw CertificateError(.signingKeysCorrupt, "a signing key in \(path) is malformed")
        }
    }
}
