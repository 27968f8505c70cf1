import Foundation
import GreenmarkCrypto

/// What a verifier trusts: root keys, and (when a trusted-root file was given) the verified
/// trusted-root body with every issuing key's window and status.
public struct TrustAnchor: Sendable {
    public let rootKeys: [TrustedRoot.RootKey]
    public let trustedRoot: TrustedRoot.Body?

    /// An anchor from already-trusted material (pinned root keys, a verified trusted root).
    public init(rootKeys: [TrustedRoot.RootKey], trustedRoot: TrustedRoot.Body?) {
        self.rootKeys = rootKeys
        self.trustedRoot = trustedRoot
    }

    /// The result of loading trust material.
    public struct Loaded: Sendable {
        public let anchor: TrustAnchor?
        public let checks: [VerificationReport.Check]
    }

    /// Loads a pinned trust file (a root key file or a trusted-root file) and follows `updates`,
    /// each of which must be the next version, signed by a threshold of the previous version's
    /// root keys and of its own. `minimumVersion` (from a verifier's saved state) rejects rollbacks.
    public static func load(pinned: [UInt8], updates: [[UInt8]] = [], minimumVersion: Int? = nil) -> Loaded {
        var list = CheckList()
        guard String(validating: pinned, as: UTF8.self) != nil,
              let object = StrictJSON.object(pinned) else {
            list.fail("trust.unreadable", "the trust file is not a JSON object")
            return Loaded(anchor: nil, checks: list.checks)
        }
        if object["signatures"] == nil {
            guard let file = try? JSONDecoder().decode(RootKeyFile.self, from: Data(pinned)), file.type == RootKeyFile.typeName,
                  let raw = try? Base64URL.decode(file.publicKey), let key = try? Ed25519PublicKey(rawRepresentation: raw),
                  SigningKeyID.root(key) == file.keyID
            else {
                list.fail("trust.unreadable", "the trust file is neither a root key nor a trusted root")
                return Loaded(anchor: nil, checks: list.checks)
            }
            list.pass("trust.valid", "pinned root key \(file.keyID)")
            if !updates.isEmpty {
                list.fail("trust.unreadable", "trusted-root updates need a pinned trusted-root file, not a bare root key")
                return Loaded(anchor: nil, checks: list.checks)
            }
            return Loaded(anchor: TrustAnchor(rootKeys: [.init(keyID: file.keyID, publicKey: file.publicKey)], trustedRoot: nil), checks: list.checks)
        }

        guard var current = decodeRoot(pinned, &list) else { return Loaded(anchor: nil, checks: list.checks) }
        // The pinned file is trusted because it is pinned; its own signatures must still hold.
        guard current.doc.validSignatureCount(keys: current.body.rootKeys) >= current.body.threshold else {
            list.fail("trust.signature.invalid", "the pinned trusted root (version \(current.body.version)) is not signed by its own root keys")
            return Loaded(anchor: nil, checks: list.checks)
        }
        for update in updates {
            guard let next = decodeRoot(update, &list) else { return Loaded(anchor: nil, checks: list.checks) }
            if next.body.version <= current.body.version {
                list.fail("trust.rollback", "update version \(next.body.version) is not newer than version \(current.body.version)")
                return Loaded(anchor: nil, checks: list.checks)
            }
            if next.body.version != current.body.version + 1 {
                list.fail("trust.version_gap", "update jumps from version \(current.body.version) to \(next.body.version)")
                return Loaded(anchor: nil, checks: list.checks)
            }
            let byOld = next.doc.validSignatureCount(keys: current.body.rootKeys)
            let byNew = next.doc.validSignatureCount(keys: next.body.rootKeys)
            guard byOld >= current.body.threshold, byNew >= next.body.threshold else {
                list.fail("trust.threshold_not_met", "version \(next.body.version) has \(byOld) of \(current.body.threshold) signatures from version \(current.body.version)'s root keys and \(byNew) of \(next.body.threshold) from its own")
                return Loaded(anchor: nil, checks: list.checks)
            }
            current = next
        }
        if let minimumVersion, current.body.version < minimumVersion {
            list.fail("trust.rollback", "trusted root version \(current.body.version) is older than version \(minimumVersion) seen before")
            return Loaded(anchor: nil, checks: list.checks)
        }
        list.pass("trust.valid", "trusted root version \(current.body.version)")
        return Loaded(anchor: TrustAnchor(rootKeys: current.body.rootKeys, trustedRoot: current.body), checks: list.checks)
    }

    private static func decodeRoot(_ bytes: [UInt8], _ list: inout CheckList) -> (doc: TrustedRoot, body: TrustedRoot.Body)? {
        guard String(validating: bytes, as: UTF8.self) != nil,
              let doc = StrictJSON.decode(TrustedRoot.self, from: bytes), let body = try? doc.unverifiedBody(),
              let bodyBytes = try? Base64URL.decode(doc.payload), !StrictJSON.hasDuplicateKeys(bodyBytes),
              body.type == TrustedRoot.Body.typeName, body.version >= 1, body.threshold >= 1, !body.rootKeys.isEmpty,
              // Every issuing-key time must parse: an unparseable not_after or compromised_since
              // fails closed instead of reading as "open-ended" or "not compromised".
              body.issuingKeys.allSatisfy({ k in
                  Timestamp.parse(k.notBefore) != nil && (k.notAfter.map { Timestamp.parse($0) != nil } ?? true)
                      && (k.compromisedSince.map { Timestamp.parse($0) != nil } ?? true)
              })
        else {
            list.fail("trust.unreadable", "a trusted-root file is malformed")
            return nil
        }
        return (doc, body)
    }
}
