import Foundation
import FuzzSupport
import GreenmarkCore
import GreenmarkCrypto

#if canImport(Glibc)
    import Glibc
    import GreenmarkKeys
#endif

/// libFuzzer entry point: the input is a `keyring.json`, plaintext or sealed (`greenmark-sealed-v1`,
/// docs/secrets-at-rest.md). It is written to a mode-0600 file in a private directory on tmpfs
/// (`/dev/shm`) and loaded with `KeyringStore.load`, the daemon's and the CLI's only reader, with a
/// fixed master key configured, so the sealed-envelope parser and AES-256-GCM opening run too
/// (and the round trip below writes the keyring sealed). A load either throws a `GreenmarkError` or yields a keyring whose keys
/// can be used; a loaded keyring saved and loaded again must give the same keys.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyring(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = KeyringFuzzDirectory.shared.store.path
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    FuzzCheck.require(fd >= 0, "cannot create \(path)")
    var offset = 0
    while offset < size {
        let n = write(fd, data + offset, size - offset)
        FuzzCheck.require(n > 0, "cannot write \(path)")
        offset += n
    }
    close(fd)

    let store = KeyringFuzzDirectory.shared.store
    guard let keyring = try? store.load() else { return 0 }
    // Whatever loaded must be usable or fail with a typed error: primary, detection keys, PRFs.
    _ = try? keyring.primary()
    for key in keyring.detectionKeys { _ = try? key.prf() }
    // Round trip: save through the store's own writer, load again, compare.
    do {
        try store.modify { ring throws(GreenmarkError) in (ring, ()) }
        let again = try store.load()
        FuzzCheck.require(again.keys.map(\.id) == keyring.keys.map(\.id), "ids changed across save/load")
        FuzzCheck.require(again.keys.map(\.state) == keyring.keys.map(\.state), "states changed across save/load")
        FuzzCheck.require(again.keys.map(\.secret) == keyring.keys.map(\.secret), "secrets changed across save/load")
        FuzzCheck.require(again.keys.map(\.scheme) == keyring.keys.map(\.scheme), "schemes changed across save/load")
    } catch {
        FuzzCheck.require(false, "a keyring that loaded cannot be saved and reloaded: \(error)")
    }
    return 0
}

/// The private tmpfs directory the keyring fuzzer writes its inputs to.
final class KeyringFuzzDirectory: Sendable {
    static let shared = KeyringFuzzDirectory()
    let store: KeyringStore

    private init() {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let directory = "\(base)/gm-fuzz-keyring-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        store = KeyringStore(directory: directory, masterKey: .key(FuzzFixtures.masterKey))
    }
}
