import Foundation
import GreenmarkCertificates
import GreenmarkCrypto
import HTTPTypes
import Synchronization

/// The daemon's trust state (#17): a chain from the root key it holds, never a trusted root that
/// merely signs itself.
///
/// The pin is the current root public key derived from the home's (sealed) `signing.json` — not
/// `trust/root-key.json`, which is a public file anyone with write access to the home, or to the
/// shared registry `KeySync` copies from, could replace. The documents are the home's
/// `trust/trusted-root-v*.json`, chained with `TrustAnchor.load` exactly as an offline verifier
/// does (a root-key pin starts at the first version that key signed, every newer version must be
/// signed by a threshold of its predecessor's root keys and of its own). Versions older than that
/// start (written before the last root rotation, signed by a root key this daemon no longer
/// holds) must chain forward into it. Every file in `trust/` must belong to the chain:
/// `trusted-root.json` must be one of the chained versions byte for byte, `root-key.json` must
/// name a root key of a chained version, and `trusted-root-vN.json` must hold version N. Anything
/// else makes the state `broken`: `/readyz` answers 503 with the code, and `GET /v1/trust` and
/// `POST /v1/certificates/verify` answer 503 with it instead of serving or using the file. The
/// newest chained version never goes down while the daemon runs (`trust.rollback`).
///
/// The result is cached under the file versions (`FileVersion`: device, inode, size, mode, times)
/// of `signing.json` and of every file in `trust/`, so a request costs a directory listing and a
/// few `stat` calls; `signing.json` is decrypted and the signatures checked again only when one of
/// those files changes.
final class TrustState: Sendable {
    let home: String
    let masterKey: MasterKeySource

    /// A chain from the held root key.
    struct Chain: Sendable {
        /// The pinned root key (from `signing.json`), as served by `GET /v1/trust`.
        let rootKey: RootKeyFile
        /// The newest chained version, as stored.
        let newest: TrustedRoot
        let newestBody: TrustedRoot.Body

        /// The checks a verification reports for the trust material as of `at`: `trust.valid`, or
        /// `trust.stale` once the newest version has expired (the chain itself stays valid).
        func check(at: Date) -> (anchor: TrustAnchor?, check: VerificationReport.Check) {
            let version = newestBody.version
            guard let expiresText = newestBody.expires, let expires = Timestamp.parse(expiresText) else {
                return (
                    nil,
                    .init(
                        .trustStale, passed: false,
                        detail: "trusted root version \(version) states no expiry; get a newer version from the issuer")
                )
            }
            guard at < expires else {
                return (
                    nil,
                    .init(
                        .trustStale, passed: false,
                        detail: "trusted root version \(version) expired at \(expiresText) (verifying as of \(Timestamp.format(at))); "
                            + "get a newer version from the issuer")
                )
            }
            let valid = VerificationReport.Check(.trustValid, passed: true, detail: "trusted root version \(version), fresh until \(expiresText)")
            return (TrustAnchor(trustedRoot: newestBody), valid)
        }
    }

    enum State: Sendable {
        /// No `signing.json`: this daemon holds no root key (and serves no trust).
        case missing
        /// `signing.json` cannot be opened or read (its code: `secrets.*`, `signing.corrupt`, …).
        case signingUnusable(code: String, reason: String)
        /// A trust file does not chain from the held root key (its code and why, naming the file
        /// relative to the home).
        case broken(code: String, reason: String)
        case chained(Chain)

        /// The status word `/readyz` reports.
        var status: String {
            switch self {
            case .missing: "missing"
            case .signingUnusable: "unavailable"
            case .broken(let code, _): code
            case .chained(let chain): chain.check(at: Date()).anchor == nil ? "stale" : "valid"
            }
        }
    }

    /// What the cached state was computed from.
    private struct Snapshot: Equatable {
        let signing: FileVersion?
        let trust: [String: FileVersion]
    }

    private let cached = Mutex<(snapshot: Snapshot, state: State)?>(nil)
    /// The newest version chained so far in this process: a lower one later is a rollback.
    private let highestVersion = Mutex<Int>(0)

    init(home: String, masterKey: MasterKeySource) {
        self.home = home
        self.masterKey = masterKey
    }

    private var trustDirectory: String { home + "/trust" }

    /// The current state: the cached one while no file changed, else evaluated afresh.
    func current() -> State {
        // Stat before reading: a file replaced while it is evaluated is cached under its
        // predecessor's version, which the next call sees differ (one extra evaluation, never stale).
        let snapshot = takeSnapshot()
        if let hit = cached.withLock({ $0?.snapshot == snapshot ? $0?.state : nil }) { return hit }
        var state = evaluate()
        if case .chained(let chain) = state {
            let floor = highestVersion.withLock { highest in
                let floor = highest
                highest = max(highest, chain.newestBody.version)
                return floor
            }
            if chain.newestBody.version < floor {
                state = .broken(
                    code: VerificationCode.trustRollback.rawValue,
                    reason: "the newest trusted root in trust/ is version \(chain.newestBody.version), "
                        + "older than version \(floor) this daemon served before")
            }
        }
        cached.withLock { $0 = (snapshot, state) }
        return state
    }

    /// The chain, for a route that needs trust; otherwise the 503 to answer.
    func chain() throws -> Chain {
        switch current() {
        case .chained(let chain): return chain
        case .missing:
            throw APIError(
                .serviceUnavailable, relaying: CertificateError.Code.signingKeysMissing.rawValue,
                "this daemon has no signing keys, so it has no trust to serve; run `greenmark trust init`")
        case .signingUnusable(let code, let reason): throw APIError(.serviceUnavailable, relaying: code, reason)
        case .broken(let code, let reason):
            throw APIError(.serviceUnavailable, relaying: code, "the daemon's trust files do not chain from its root key: \(reason)")
        }
    }

    private func takeSnapshot() -> Snapshot {
        var trust: [String: FileVersion] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: trustDirectory)) ?? [] where name.hasSuffix(".json") {
            if let version = FileVersion.of(path: trustDirectory + "/" + name) { trust[name] = version }
        }
        return Snapshot(signing: FileVersion.of(path: home + "/" + SigningKeyStore.fileName), trust: trust)
    }

    /// Builds the chain from the files as they are now.
    private func evaluate() -> State {
        let store = SigningKeyStore(directory: home, masterKey: masterKey)
        guard store.exists else { return .missing }
        let rootKey: RootKeyFile
        do { rootKey = try store.rootKeyFile() } catch {
            return .signingUnusable(code: error.code.rawValue, reason: "signing.json cannot be used (\(error.code.rawValue))")
        }
        let pin = TrustedRoot.RootKey(keyID: rootKey.keyID, publicKey: rootKey.publicKey)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let pinBytes = try? encoder.encode(rootKey) else {
            return .signingUnusable(code: CertificateError.Code.signingKeysCorrupt.rawValue, reason: "the root key cannot be encoded")
        }

        // Every trusted-root version file, read once.
        func broken(_ code: String, _ reason: String) -> State { .broken(code: code, reason: reason) }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: trustDirectory)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
        var documents: [Int: (name: String, bytes: [UInt8], root: TrustedRoot, body: TrustedRoot.Body)] = [:]
        for name in names {
            guard let match = name.wholeMatch(of: /trusted-root-v([0-9]{1,9})\.json/), let number = Int(match.output.1) else { continue }
            guard let bytes = read(name), let root = try? JSONDecoder().decode(TrustedRoot.self, from: Data(bytes)),
                let body = try? root.unverifiedBody()
            else {
                return broken(VerificationCode.trustUnreadable.rawValue, "trust/\(name) is not a trusted root")
            }
            guard body.version == number else {
                return broken(APIError.Code.trustUnchainedFile.rawValue, "trust/\(name) holds version \(body.version), not \(number)")
            }
            documents[number] = (name, bytes, root, body)
        }
        guard !documents.isEmpty else {
            return broken(VerificationCode.trustIncomplete.rawValue, "trust/ holds no trusted-root version (trusted-root-vN.json)")
        }
        let all = documents.keys.sorted()

        // The chain from the held root key through every version, as a verifier builds it.
        let loaded = TrustAnchor.load(pinned: Array(pinBytes), updates: all.map { documents[$0]!.bytes }, at: .distantPast)
        if loaded.anchor == nil, let failed = loaded.checks.first(where: { !$0.passed }), failed.verificationCode != .trustStale {
            // trust.stale at the distant past only means the newest version states no expiry: the
            // chain itself held (freshness is the last step); `Chain.check` reports it per request.
            return broken(failed.code, failed.detail)
        }
        // Versions before the first one the held key signed (older root keys) must chain into it.
        let start =
            all.first { n in
                let d = documents[n]!
                return d.body.rootKeys.contains(pin) && d.root.validSignatureCount(keys: [pin]) == 1
                    && d.root.validSignatureCount(keys: d.body.rootKeys) >= d.body.threshold
            } ?? all.last!
        for n in all where n < start {
            let updates = all.filter { $0 > n && $0 <= start }.map { documents[$0]!.bytes }
            let older = TrustAnchor.load(pinned: documents[n]!.bytes, updates: updates, at: .distantPast)
            if older.anchor == nil, let failed = older.checks.first(where: { !$0.passed }), failed.verificationCode != .trustStale {
                return broken(
                    failed.code,
                    "trust/\(documents[n]!.name) does not chain into version \(start), "
                        + "the first signed by the daemon's root key: \(failed.detail)")
            }
        }
        let newest = documents[all.last!]!

        // The other files of trust/: the latest copy and the published root key.
        if names.contains("trusted-root.json") {
            guard let latest = read("trusted-root.json"), documents.values.contains(where: { $0.bytes == latest }) else {
                return broken(
                    APIError.Code.trustUnchainedFile.rawValue,
                    "trust/trusted-root.json is not one of the trusted-root versions that chain from the daemon's root key")
            }
        }
        if names.contains(RootKeyFile.fileName) {
            let chainedKeys = Set(documents.values.flatMap { $0.body.rootKeys.map(\.keyID) })
            guard let bytes = read(RootKeyFile.fileName), let file = try? JSONDecoder().decode(RootKeyFile.self, from: Data(bytes)),
                let listed = documents.values.lazy.flatMap(\.body.rootKeys).first(where: { $0.keyID == file.keyID }),
                listed.publicKey == file.publicKey, chainedKeys.contains(file.keyID)
            else {
                return broken(
                    APIError.Code.trustUnchainedFile.rawValue,
                    "trust/root-key.json names a root key that no chained trusted-root version lists")
            }
        }
        return .chained(Chain(rootKey: rootKey, newest: newest.root, newestBody: newest.body))
    }

    private func read(_ name: String) -> [UInt8]? {
        let path = trustDirectory + "/" + name
        guard let size = FileVersion.of(path: path)?.size, size <= TrustAnchor.maximumTrustFileBytes else { return nil }
        return FileManager.default.contents(atPath: path).map { Array($0) }
    }
}

extension RootKeyFile {
    /// The root key's file name in `trust/`.
    static let fileName = "root-key.json"
}
