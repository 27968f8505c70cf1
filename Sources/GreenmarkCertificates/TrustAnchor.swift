import Foundation
import GreenmarkCrypto

/// What a verifier trusts: the newest trusted-root version that chains to its pin and has not
/// expired (`docs/certificate-format.md`, "What a verifier pins, and the chain it builds"). A bare
/// root key is never an anchor by itself.
public struct TrustAnchor: Sendable {
    /// Largest trust file (root key or trusted root) read, in bytes.
    public static let maximumTrustFileBytes = 4 << 20

    /// The verified, fresh trusted root: every issuing key with its window and status.
    public let trustedRoot: TrustedRoot.Body

    /// An anchor from an already-verified trusted root.
    public init(trustedRoot: TrustedRoot.Body) {
        self.trustedRoot = trustedRoot
    }

    /// The result of loading trust material: an anchor, or nil with the failing check.
    public struct Loaded: Sendable {
        public let anchor: TrustAnchor?
        public let checks: [VerificationReport.Check]
    }

    /// Builds the chain from `pinned` (a root key file or a trusted root) through `updates` (more
    /// trusted-root versions, in any order) and checks, as of `at`, that its newest version is
    /// fresh; `minimumVersion` (a verifier's saved state) refuses rollbacks. One check results.
    public static func load(pinned: [UInt8], updates: [[UInt8]] = [], minimumVersion: Int? = nil, at: Date = Date()) -> Loaded {
        let at = Timestamp.wholeSeconds(at)
        func fail(_ code: VerificationCode, _ detail: String) -> Loaded {
            Loaded(anchor: nil, checks: [.init(code, passed: false, detail: detail)])
        }
        // 1. Read everything.
        guard pinned.count <= maximumTrustFileBytes, let pinObject = StrictJSON.object(pinned) else {
            return fail(.trustUnreadable, "the pinned trust file is not a JSON object (UTF-8, integers only, no repeated names, at most 4 MiB)")
        }
        var pinnedKey: TrustedRoot.RootKey?
        var pinnedRoot: Document?
        if pinObject["signatures"] == nil, pinObject["payload"] == nil {
            guard let key = RootKeyFile.pinnedKey(pinObject) else {
                return fail(.trustUnreadable, "the trust file is neither a root key file nor a trusted root")
            }
            pinnedKey = key
        } else {
            guard let root = Document(pinned) else { return fail(.trustUnreadable, "the pinned trusted root is malformed") }
            pinnedRoot = root
        }
        var documents: [Document] = []
        for (i, bytes) in updates.enumerated() {
            guard bytes.count <= maximumTrustFileBytes, let document = Document(bytes) else {
                return fail(.trustUnreadable, "trusted-root document \(i + 1) of \(updates.count) is malformed")
            }
            documents.append(document)
        }
        // 2. One document per version; copies of one payload pool their signature entries.
        var byVersion: [Int: Document] = [:]
        for document in (pinnedRoot.map { [$0] } ?? []) + documents {
            if let other = byVersion[document.body.version] {
                guard other.root.payload == document.root.payload else {
                    return fail(.trustConflict, "two different trusted roots claim version \(document.body.version)")
                }
                byVersion[document.body.version] = other.merged(with: document)
            } else {
                byVersion[document.body.version] = document
            }
        }
        if let pinned = pinnedRoot { pinnedRoot = byVersion[pinned.body.version] }
        // 3. Where the chain starts.
        var current: Document
        if let pinnedRoot {
            guard pinnedRoot.root.validSignatureCount(keys: pinnedRoot.body.rootKeys) >= pinnedRoot.body.threshold else {
                return fail(
                    .trustSignatureInvalid,
                    "the pinned trusted root (version \(pinnedRoot.body.version)) is not signed by a threshold of its own root keys")
            }
            current = pinnedRoot
        } else {
            let key = pinnedKey!
            // The lowest version the pin signed: versions in ascending order, the first that lists
            // the key and carries its signature and a threshold of its own (checked in that order,
            // so no later version's signatures are verified once the start is found).
            let start = byVersion.keys.sorted().lazy.compactMap { byVersion[$0] }.first { d in
                d.body.rootKeys.contains(key) && d.root.validSignatureCount(keys: [key]) == 1
                    && d.root.validSignatureCount(keys: d.body.rootKeys) >= d.body.threshold
            }
            guard let start else {
                return fail(
                    .trustIncomplete,
                    documents.isEmpty
                        ? "a root key alone is not enough: pass the trusted roots it signed (--trust-update trusted-root-v*.json)"
                        : "no trusted root given lists and is signed by the pinned root key \(key.keyID)")
            }
            current = start
        }
        // 4. Follow every newer version.
        let highest = byVersion.keys.max() ?? current.body.version
        while current.body.version < highest {
            let n = current.body.version
            guard let next = byVersion[n + 1] else {
                return fail(.trustVersionGap, "version \(n + 1) is missing between version \(n) and version \(highest)")
            }
            let byOld = next.root.validSignatureCount(keys: current.body.rootKeys)
            let byNew = next.root.validSignatureCount(keys: next.body.rootKeys)
            guard byOld >= current.body.threshold, byNew >= next.body.threshold else {
                return fail(
                    .trustThresholdNotMet,
                    "version \(n + 1) has \(byOld) of \(current.body.threshold) signatures from version \(n)'s root keys and \(byNew) of \(next.body.threshold) from its own"
                )
            }
            current = next
        }
        // 5. The floor, 6. freshness.
        if let minimumVersion, current.body.version < minimumVersion {
            return fail(.trustRollback, "trusted root version \(current.body.version) is older than version \(minimumVersion) seen before")
        }
        guard let expiresText = current.body.expires, let expires = Timestamp.parse(expiresText) else {
            return fail(.trustStale, "trusted root version \(current.body.version) states no expiry; get a newer version from the issuer")
        }
        guard at < expires else {
            return fail(
                .trustStale,
                "trusted root version \(current.body.version) expired at \(expiresText) (verifying as of \(Timestamp.format(at))); get a newer version from the issuer"
            )
        }
        return Loaded(
            anchor: TrustAnchor(trustedRoot: current.body),
            checks: [
                .init(.trustValid, passed: true, detail: "trusted root version \(current.body.version), fresh until \(expiresText)")
            ])
    }

    /// A well-formed trusted-root document and its (not yet trusted) body.
    struct Document {
        let root: TrustedRoot
        let body: TrustedRoot.Body

        init(root: TrustedRoot, body: TrustedRoot.Body) {
            self.root = root
            self.body = body
        }

        /// The same payload with the signature entries of both copies.
        func merged(with other: Document) -> Document {
            Document(root: TrustedRoot(payload: root.payload, signatures: root.signatures + other.root.signatures), body: body)
        }

        init?(_ bytes: [UInt8]) {
            guard let object = StrictJSON.object(bytes), StrictJSON.hasExactly(object, ["payload", "signatures"]),
                object["payload"] is String, let signatures = object["signatures"] as? [Any],
                signatures.allSatisfy({ StrictJSON.hasExactlyStrings($0, ["protected", "signature"]) }),
                let root = StrictJSON.decode(TrustedRoot.self, from: bytes),
                let bodyBytes = try? Base64URL.decode(root.payload),
                let body = StrictJSON.decode(TrustedRoot.Body.self, from: bodyBytes), body.isWellFormed
            else { return nil }
            self.root = root
            self.body = body
        }
    }
}
