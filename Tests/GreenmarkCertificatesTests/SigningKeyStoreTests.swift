import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import Testing

@Suite("Signing keys, rotation and revocation")
struct SigningKeyStoreTests {
    let world = ConformanceWorld()

    func temporaryHome() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gm-sign-\(UUID().uuidString)").path
    }

    func file(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Verifies as of one hour after the certificate was issued.
    func verify(_ cert: SignedCertificate, pinned: [UInt8], updates: [[UInt8]] = [], text: String? = nil) throws -> VerificationReport {
        let statement = try JSONDecoder().decode(Statement.self, from: Data(try Base64URL.decode(cert.payload)))
        let at = try #require(Timestamp.parse(statement.predicate.common.issuedAt)) + 3_600
        let loaded = TrustAnchor.load(pinned: pinned, updates: updates, at: at)
        let anchor = try #require(loaded.anchor, "trust: \(loaded.checks)")
        return CertificateVerifier(anchor: anchor).verify(certificate: try cert.fileBytes(), text: Array((text ?? world.text).utf8), at: at)
    }

    @Test("init, issue, rotate the issuer, revoke, rotate the root: old certificates keep their status through the chain")
    func lifecycle() throws {
        let home = temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let store = SigningKeyStore(directory: home)
        let t = ConformanceWorld.date("2026-02-01T00:00:00Z")
        try store.initialize(watermarkKeys: [world.watermarkKey], now: t)
        let attrs = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        #expect(throws: CertificateError(.signingKeysExist, "")) { try store.initialize(watermarkKeys: [], now: t) }

        let v1 = try file(store.trustDirectory + "/trusted-root-v1.json")
        let rootKey = try file(store.trustDirectory + "/root-key.json")
        let first = try store.activeIssuer()
        let cert1 = try first.attestDetection(text: world.text, result: world.detection(for: world.text), vocabulary: "vocab-x", at: t + 3600)
        #expect(try verify(cert1, pinned: rootKey, updates: [v1]).status == .valid)
        #expect(try verify(cert1, pinned: v1).status == .valid)
        // Each version is fresh for the store's validity (30 days by default), and says so.
        let body1 = try store.trustedRoot(version: 1).unverifiedBody()
        #expect(body1.expires == Timestamp.format(t + SigningKeyStore.defaultTrustValidity))
        #expect(TrustAnchor.load(pinned: v1, at: t + SigningKeyStore.defaultTrustValidity).checks.map(\.code) == ["trust.stale"])

        // Rotate the issuing key: the old certificate stays valid; the old key cannot sign later.
        try store.rotateIssuer(watermarkKeys: [world.watermarkKey], now: t + 86_400)
        let v2 = try file(store.trustDirectory + "/trusted-root-v2.json")
        let second = try store.activeIssuer()
        #expect(second.keyID != first.keyID)
        #expect(try verify(cert1, pinned: v1, updates: [v2]).status == .valid)
        let late = try first.attestDetection(text: world.text, result: world.detection(for: world.text), vocabulary: "vocab-x", at: t + 2 * 86_400)
        #expect(try verify(late, pinned: v1, updates: [v2]).failures == ["key.expired"])
        let cert2 = try second.attestDetection(text: world.text, result: world.detection(for: world.text), vocabulary: "vocab-x", at: t + 3 * 86_400)
        #expect(try verify(cert2, pinned: v1, updates: [v2]).status == .valid)

        // Revoke the second key as compromised since day 5: certificates before stay valid, after fail.
        try store.revokeIssuer(second.keyID, compromisedSince: t + 5 * 86_400, watermarkKeys: [world.watermarkKey], now: t + 6 * 86_400)
        let v3 = try file(store.trustDirectory + "/trusted-root-v3.json")
        #expect(try verify(cert2, pinned: v1, updates: [v2, v3]).status == .valid)
        let stolen = try second.attestDetection(
            text: world.text, result: world.detection(for: world.text), vocabulary: "vocab-x", at: t + 5 * 86_400 + 60)
        #expect(try verify(stolen, pinned: v1, updates: [v2, v3]).failures.contains("key.revoked"))
        let third = try store.activeIssuer()
        #expect(third.keyID != second.keyID)

        // Rotate the root: v4 is signed by the old and the new root; a verifier pinned to v1 follows.
        try store.rotateRoot(watermarkKeys: [world.watermarkKey], now: t + 7 * 86_400)
        let v4 = try file(store.trustDirectory + "/trusted-root-v4.json")
        let cert3 = try store.activeIssuer().attestDetection(
            text: world.text, result: world.detection(for: world.text), vocabulary: "vocab-x", at: t + 8 * 86_400)
        #expect(try verify(cert3, pinned: v1, updates: [v2, v3, v4]).status == .valid)
        #expect(try verify(cert1, pinned: v1, updates: [v2, v3, v4]).status == .valid)
        // A root key alone is never enough; the old root key follows the rotation through v4.
        #expect(TrustAnchor.load(pinned: rootKey, at: t + 8 * 86_400).checks.map(\.code) == ["trust.incomplete"])
        #expect(try verify(cert3, pinned: rootKey, updates: [v4, v3, v2, v1]).status == .valid)
        #expect(try verify(stolen, pinned: rootKey, updates: [v4, v3, v2, v1]).failures == ["key.revoked"])
        // Older versions given beside a pin are ignored; a floor above the newest is a rollback.
        #expect(TrustAnchor.load(pinned: v4, updates: [v3], at: t + 8 * 86_400).anchor?.trustedRoot.version == 4)
        #expect(TrustAnchor.load(pinned: v3, minimumVersion: 4, at: t + 8 * 86_400).checks.map(\.code) == ["trust.rollback"])
        // The trusted root publishes watermark keys, never their secrets.
        let latest = try String(contentsOfFile: store.trustDirectory + "/trusted-root.json", encoding: .utf8)
        let body = try store.trustedRoot().unverifiedBody()
        #expect(body.version == 4 && body.watermarkKeys.map(\.keyID) == [world.watermarkKey.id])
        #expect(!latest.contains(Hex.encode(world.watermarkKey.secret)))
    }

    @Test("receipts verify and name the generation's facts")
    func receipts() throws {
        let issuer = world.issuer(world.issuer1, endorsedFrom: world.t0)
        let cert = world.receipt(issuer, at: world.t0 + 60)
        let report = try verify(cert, pinned: world.rootKeyFile(world.root1), updates: [world.json(world.v1)])
        #expect(report.status == .valid)
        guard case .generation(let g) = report.statement?.predicate else {
            Issue.record("expected a generation receipt")
            return
        }
        #expect(g.model.sha256.count == 64 && g.tokens == 57 && g.delta == "2.0000")
        #expect(report.kind == .generationReceipt)
    }

    @Test("signed content has no JSON floats, and the payload is the exact signed bytes")
    func noFloats() throws {
        let cert = world.attest(world.issuer(world.issuer1, endorsedFrom: world.t0), at: world.t0 + 60)
        let payload = String(decoding: try Base64URL.decode(cert.payload), as: UTF8.self)
        let object = try JSONSerialization.jsonObject(with: Data(payload.utf8))
        func check(_ value: Any) {
            if let d = value as? [String: Any] {
                d.values.forEach(check)
            } else if let a = value as? [Any] {
                a.forEach(check)
            } else if let n = value as? NSNumber {
                #expect(n.doubleValue == n.doubleValue.rounded(), "non-integer number \(n) in signed content")
            }
        }
        check(object)
        // 81 green of 140 at γ 0.25: z = 46 / √26.25.
        #expect(payload.contains("\"z_score\":\"8.9783\""))
    }

    @Test("refreshIfNeeded republishes only when half the validity has passed or no expiry is stated")
    func refresh() throws {
        let home = temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let store = SigningKeyStore(directory: home, trustValidity: 10 * 86_400)
        let t = ConformanceWorld.date("2026-02-01T00:00:00Z")
        try store.initialize(watermarkKeys: [], now: t)
        #expect(try store.refreshIfNeeded(watermarkKeys: [], now: t + 4 * 86_400) == nil)
        let refreshed = try #require(try store.refreshIfNeeded(watermarkKeys: [], now: t + 6 * 86_400))
        let body = try refreshed.unverifiedBody()
        #expect(body.version == 2 && body.expires == Timestamp.format(t + 16 * 86_400))
        // The refreshed version chains from v1 and is fresh when v1 is not.
        let v1 = try file(store.trustDirectory + "/trusted-root-v1.json")
        let v2 = try file(store.trustDirectory + "/trusted-root-v2.json")
        #expect(TrustAnchor.load(pinned: v1, updates: [v2], at: t + 12 * 86_400).anchor?.trustedRoot.version == 2)
    }

    @Test("canonical text: editor round trips match, content changes do not")
    func canonicalText() {
        let base = "Line one\nLine two"
        for variant in ["Line one\r\nLine two", "  Line one  \nLine two\n\n", "\u{FEFF}Line one\t\nLine two\u{A0}", "Line one\rLine two"] {
            #expect(CanonicalText.sha256(of: variant) == CanonicalText.sha256(of: base), "\(variant.debugDescription)")
        }
        for different in ["Line one\nLine  two", "Line one\n\nLine two", "line one\nLine two"] {
            #expect(CanonicalText.sha256(of: different) != CanonicalText.sha256(of: base))
        }
        #expect(CanonicalText.sha256(of: "caf\u{E9}") == CanonicalText.sha256(of: "cafe\u{301}"))
    }
}
