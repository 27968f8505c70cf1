import Foundation
import GreenmarkCore
import GreenmarkCrypto
import GreenmarkKeys
import GreenmarkModel
import HTTPTypes
import Hummingbird
import Synchronization

/// `GET /readyz`: whether this daemon can serve, from cached state only (#17). A load balancer
/// probes it every few seconds, outside the rate limiter, so it must stay cheap: it never decrypts
/// a secret file. The keyring's status is cached per file version (`KeyringHealth`), the signing
/// keys' and the trust chain's by `TrustState`; a call costs a few `stat` calls and a directory
/// listing, and a file that changes (re-sealed, replaced, forged) is looked at again on the next
/// call.
///
/// Not ready (503) when the model's vocabulary is missing, the keyring is missing or cannot be
/// loaded (its code in place of `"loaded"`: a `secrets.*` code, `crypto.authentication_failed`,
/// `keyring.corrupt`, …), `signing.json` cannot be opened with this daemon's master key, or the
/// trust files do not chain from the root key the daemon holds (`trust` is then the code:
/// `trust.threshold_not_met`, `trust.unchained_file`, …). A stale trusted root (`"trust":
/// "stale"`) and a home without signing keys (`"missing"`) leave the daemon ready. `log` is
/// `"consistent"`, `"unchecked"` or the code of the transparency log's refusal
/// (`tlog.inconsistent`, `tlog.equivocation`, `tlog.log_key_mismatch`: `LogCheckpointGuard`),
/// which makes the daemon not ready.
enum Readiness {
    static func response(_ services: HealthServices) throws -> Response {
        let keyring = services.keyringHealth.status(services.keyringCache)
        let trust = services.trust.current()
        let signing: String
        switch trust {
        case .missing: signing = "missing"
        case .signingUnusable(let code, _): signing = code
        default: signing = "loaded"
        }
        var ready = services.tokenizer.vocabularySize > 0 && keyring == "loaded"
        if SecretsStatus.isUnsealingFailure(signing) { ready = false }
        if case .broken = trust { ready = false }
        // The transparency log refused (a tree that does not extend a signed checkpoint): its code.
        let log = services.logCheckpoints?.status ?? (ready: true, text: "unchecked")
        if !log.ready { ready = false }
        let body = try JSONEncoder().encode(
            StatusResponse(
                status: ready ? "ready" : "not_ready",
                detail: [
                    "keyring": keyring, "log": log.text,
                    "model": services.tokenizer.name,
                    "signing": signing,
                    "trust": trust.status,
                    "master_key": services.masterKey.isConfigured ? "configured" : "none",
                ]))
        return Response(
            status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The keyring's status for `/readyz` (`"loaded"`, `"missing"` or the load error's code), cached
/// per file version: a keyring that fails to open is not decrypted again on every probe.
final class KeyringHealth: Sendable {
    private let cached = Mutex<(version: FileVersion, status: String)?>(nil)

    func status(_ keyring: KeyringCache) -> String {
        guard let version = FileVersion.of(path: keyring.store.path) else { return "missing" }
        if let hit = cached.withLock({ $0?.version == version ? $0?.status : nil }) { return hit }
        let status: String
        do {
            _ = try keyring.load()
            status = "loaded"
        } catch { status = error.code.rawValue }
        cached.withLock { $0 = (version, status) }
        return status
    }
}
