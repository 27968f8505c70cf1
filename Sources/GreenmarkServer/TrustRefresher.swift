import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import Logging

/// Keeps the published trusted root fresh: at start and every `interval`, republishes it when it
/// states no expiry or less than half of its validity remains (`SigningKeyStore.refreshIfNeeded`),
/// so verifiers never see `trust.stale` from a running issuer. A single daemon only: daemons that
/// share a PostgreSQL registry leave it to `greenmark trust refresh --if-needed` on one host, so
/// two of them cannot publish two different versions under one number.
struct TrustRefresher: Sendable {
    let home: String
    let masterKey: MasterKeySource
    let interval: Duration
    let logger = Logger(label: "greenmark.trust")

    /// One look; returns the version published, or nil when none was needed (or there are no keys).
    @discardableResult
    func refreshOnce(now: Date = Date()) -> Int? {
        let signing = SigningKeyStore(directory: home, masterKey: masterKey)
        guard signing.exists else { return nil }
        do {
            // The watermark keys are read under the lock the publication holds.
            let published = try HomeLock(directory: home).withLock { held -> TrustedRoot? in
                let keyring = KeyringStore(directory: home, masterKey: masterKey)
                let keys = keyring.exists ? try keyring.load().keys : []
                return try signing.refreshIfNeeded(watermarkKeys: keys, now: now, holding: held)
            }
            guard let root = published else { return nil }
            let body = try root.unverifiedBody()
            logger.info(
                "republished the trusted root before it expires",
                metadata: ["version": "\(body.version)", "expires": "\(body.expires ?? "-")"])
            return body.version
        } catch {
            logger.error("cannot refresh the trusted root; verifiers will refuse it once it expires", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Looks at start, then every `interval`, until cancelled.
    func run() async {
        while !Task.isCancelled {
            refreshOnce()
            try? await Task.sleep(for: interval)
        }
    }
}
