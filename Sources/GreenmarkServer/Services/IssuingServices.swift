import CoreMetrics
import Foundation
import GreenmarkCertificates
import GreenmarkCrypto
import GreenmarkStorage
import HTTPTypes

/// What issuing a certificate or a receipt needs: the signing keys (read per use), the registry
/// that stores what was signed, and the key sync that shares the key files with other daemons.
struct IssuingServices: Sendable {
    let home: String
    /// The master key that seals the home's secret files (`docs/secrets-at-rest.md`), if any.
    let masterKey: MasterKeySource
    let registry: Registry
    /// Shares the key files with other daemons on the same PostgreSQL registry; nil when alone.
    let keySync: KeySync?
    /// The transparency log's guard: nothing is issued while the log is refused (503 with its code, `LogCheckpointGuard`).
    var logCheckpoints: LogCheckpointGuard? = nil

    /// The signing keys' store (read per use, so a rotation elsewhere applies at once).
    var signing: SigningKeyStore { SigningKeyStore(directory: home, masterKey: masterKey) }

    /// Syncs the shared keys, signs with the active issuing key and stores the certificate, off
    /// the event loop; returns the certificate and its id.
    func issue(_ sign: @escaping @Sendable (CertificateIssuer) throws -> SignedCertificate) async throws -> (SignedCertificate, String) {
        try await offload {
            try syncSharedKeysBeforeIssuing()
            try logCheckpoints?.verify()
            let certificate = try sign(signing.activeIssuer())
            return (certificate, try store(certificate))
        }
    }

    /// Before signing a certificate or receipt: with a shared registry, one key sync (a cheap
    /// version query; a full pull only when a key file changed), so a key another daemon revoked is
    /// never used, whatever the sync interval. Fails closed: when the registry cannot be asked,
    /// 503 `keys.sync_unavailable` and nothing is signed. Without a shared registry, nothing to do.
    /// Blocking: call it off the event loop.
    func syncSharedKeysBeforeIssuing() throws {
        guard let keySync else { return }
        do {
            try keySync.sync()
        } catch {
            var refusal = APIError(
                .serviceUnavailable, code: .keysSyncUnavailable,
                "the shared key state cannot be checked, so nothing is signed (\(error.code.rawValue)); retry shortly")
            refusal.retryAfter = 5
            throw refusal
        }
    }

    /// Stores a certificate this daemon just signed in the registry; returns its id. Blocking.
    func store(_ certificate: SignedCertificate) throws -> String {
        let statement = try JSONDecoder().decode(Statement.self, from: Data(Base64URL.decode(certificate.payload)))
        let common = statement.predicate.common
        let record = CertificateRecord(
            id: common.certificateID, kind: statement.predicate.kind.rawValue,
            subjectSHA256: statement.textSHA256 ?? "", issuerKeyID: common.issuerKeyID,
            watermarkKeyID: common.watermarkKeyID, issuedAt: common.issuedAt, bytes: try certificate.fileBytes())
        try registry.insert(record)
        ServerMetrics.certificatesIssued.increment()
        return common.certificateID
    }
}
