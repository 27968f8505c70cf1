import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkServer
import GreenmarkStorage
import GreenmarkTestSupport
import Testing

/// Many key changes at once on one home, from `greenmark` processes and from a real `greenmarkd`
/// over HTTP: the home-wide lock (`HomeLock`) makes every change that reports success persist,
/// and the trusted root advances one version per change, one document per version, each signed
/// by the root (docs/secrets-at-rest.md, "Writes and locking").
@Suite("Concurrent key changes on one home (CLI processes and greenmarkd)", .serialized)
struct ConcurrentKeyChangeTests {
    static let retired = 54
    static let revocations = 50
    static let compromisedSince = "2020-01-01T00:00:00Z"

    /// The outcome of one change.
    struct Outcome: Sendable {
        let label: String
        let keyID: String?
        let succeeded: Bool
        let detail: String
    }

    static var cli: String { DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("greenmark").path }

    /// Runs the CLI on a thread of its own (not Swift concurrency's pool, which a waiting process would block).
    static func runCLI(_ arguments: [String]) async -> (Int32, String) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let result = (try? Subprocess.run(cli, arguments, keep: { !$0.hasPrefix("GREENMARK_") })) ?? (-1, "cannot start greenmark")
                continuation.resume(returning: result)
            }
        }
    }

    @Test(
        "50 revocations of retired issuing keys at once (25 CLI, 25 HTTP) plus 6 watermark-key changes: all persist; trusted roots 1…N, one per change, chained"
    )
    func fiftyRevocations() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let signing = SigningKeyStore(directory: s.home)
        let keyring = KeyringStore(directory: s.home)
        for _ in 0..<Self.retired { try signing.rotateIssuer(watermarkKeys: try keyring.load().keys) }
        let startVersion = try signing.trustedRoot().unverifiedBody().version
        #expect(startVersion == 1 + Self.retired)
        let retiredIDs = try signing.trustedRoot().unverifiedBody().issuingKeys.filter { $0.status == .retired }.map(\.keyID)
        try #require(retiredIDs.count == Self.retired)
        let targets = Array(retiredIDs.prefix(Self.revocations))
        let admin = try s.services.registry.createToken(role: .admin).token
        let home = s.home

        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation"], environment: [:], port: port)
        #expect(await daemon.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start: \(daemon.log)")

        let start = ContinuousClock.now
        let outcomes = await withTaskGroup(of: Outcome.self) { group in
            for (i, id) in targets.enumerated() {
                if i % 2 == 0 {
                    group.addTask {
                        let (status, output) = await Self.runCLI(["keys", "revoke", id, "--compromised-since", Self.compromisedSince, "--home", home])
                        return Outcome(label: "cli revoke", keyID: id, succeeded: status == 0, detail: "exit \(status): \(output)")
                    }
                } else {
                    group.addTask {
                        do {
                            let (status, body) = try await HTTP.request(
                                "POST", daemon.baseURL + "/v1/admin/signing/revoke", token: admin,
                                json: ["key_id": id, "compromised_since": Self.compromisedSince])
                            return Outcome(label: "http revoke", keyID: id, succeeded: status == 200, detail: "HTTP \(status): \(body)")
                        } catch {
                            return Outcome(label: "http revoke", keyID: id, succeeded: false, detail: "\(error)")
                        }
                    }
                }
            }
            // Watermark-key changes in the same storm: each changes the keyring and republishes the trusted root.
            for _ in 0..<3 {
                group.addTask {
                    let (status, output) = await Self.runCLI(["keys", "add", "--home", home])
                    return Outcome(label: "cli keys add", keyID: nil, succeeded: status == 0, detail: "exit \(status): \(output)")
                }
                group.addTask {
                    do {
                        let (status, body) = try await HTTP.request("POST", daemon.baseURL + "/v1/admin/keys/rotate", token: admin)
                        return Outcome(label: "http keys rotate", keyID: nil, succeeded: status == 200, detail: "HTTP \(status): \(body)")
                    } catch {
                        return Outcome(label: "http keys rotate", keyID: nil, succeeded: false, detail: "\(error)")
                    }
                }
            }
            var all: [Outcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let elapsed = ContinuousClock.now - start
        daemon.terminate()
        _ = await daemon.waitForExit()

        let succeeded = outcomes.filter(\.succeeded)
        let revoked = Set(succeeded.compactMap(\.keyID))
        print(
            "ConcurrentKeyChangeTests: \(succeeded.count) of \(outcomes.count) changes succeeded (\(revoked.count) of \(Self.revocations) revocations) in \(elapsed)"
        )
        for failure in outcomes where !failure.succeeded { Issue.record("\(failure.label) \(failure.keyID ?? ""): \(failure.detail)") }

        // Every revocation that reported success is in the latest trusted root.
        let latest = try signing.trustedRoot()
        let body = try latest.unverifiedBody()
        for id in revoked {
            let entry = body.issuingKey(id)
            #expect(entry?.status == .revoked && entry?.compromisedSince == Self.compromisedSince, "\(id) lost: \(String(describing: entry))")
        }
        // The published watermark keys are the keyring's (no change republished a stale keyring).
        let ring = try keyring.load()
        #expect(body.watermarkKeys.map(\.keyID) == ring.keys.map(\.id))
        #expect(body.watermarkKeys.map(\.state) == ring.keys.map(\.state.rawValue))
        #expect(ring.keys.count == 1 + 6)

        // Versions on disk: exactly 1…N, N = one per change; trusted-root.json is version N.
        let trust = s.home + "/trust"
        let entries = try FileManager.default.contentsOfDirectory(atPath: trust)
        let versions = entries.compactMap { name -> Int? in
            guard name.hasPrefix("trusted-root-v"), name.hasSuffix(".json") else { return nil }
            return Int(name.dropFirst("trusted-root-v".count).dropLast(".json".count))
        }.sorted()
        #expect(versions == Array(1...(startVersion + succeeded.count)))
        #expect(body.version == startVersion + succeeded.count)
        #expect(
            Set(entries) == Set(versions.map { "trusted-root-v\($0).json" } + ["trusted-root.json", "root-key.json"]),
            "unexpected files in trust/: \(entries.sorted())")
        #expect(
            FileManager.default.contents(atPath: trust + "/trusted-root.json")
                == FileManager.default.contents(atPath: trust + "/trusted-root-v\(body.version).json"))

        // Each version is its own document, signed by the root keys of the one before (v1 by its
        // own), and differs from it by exactly one change.
        var previous: TrustedRoot.Body?
        for version in versions {
            let root = try signing.trustedRoot(version: version)
            let current = try root.unverifiedBody()
            #expect(current.version == version)
            let signers = previous?.rootKeys ?? current.rootKeys
            #expect(root.validSignatureCount(keys: signers) >= (previous?.threshold ?? current.threshold), "v\(version) is not signed by the root")
            if let previous, version > startVersion {
                let newlyRevoked = current.issuingKeys.filter { k in k.status == .revoked && previous.issuingKey(k.keyID)?.status != .revoked }
                let addedWatermarkKeys = current.watermarkKeys.count - previous.watermarkKeys.count
                #expect(
                    newlyRevoked.count + addedWatermarkKeys == 1,
                    "v\(version): \(newlyRevoked.count) revocations, \(addedWatermarkKeys) watermark keys added")
                #expect(
                    previous.issuingKeys.filter { $0.status == .revoked }.allSatisfy { current.issuingKey($0.keyID)?.status == .revoked },
                    "v\(version) dropped a revocation")
            }
            previous = current
        }
        // No temporary file and no lock left but the lock file itself.
        let homeEntries = try FileManager.default.contentsOfDirectory(atPath: s.home)
        #expect(!homeEntries.contains { $0.contains(".tmp-") }, "\(homeEntries)")
    }
}
