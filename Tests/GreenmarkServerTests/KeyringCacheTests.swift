import Foundation
import GreenmarkCore
import GreenmarkKeys
import GreenmarkServer
import GreenmarkStorage
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The daemon caches the keyring but still sees every change made on disk by the CLI.
@Suite("greenmarkd keyring cache", .serialized)
struct KeyringCacheTests {
    @Test("a key rotated and a permission broken outside the daemon take effect on the next request")
    func changesOnDiskTakeEffect() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        // Choosing the key (key_id) needs the inspect permission.
        let inspector = try s.services.registry.createToken(role: .verify, permissions: [.inspect]).token
        let headers: HTTPFields = [.authorization: "Bearer \(inspector)", .contentType: "application/json"]
        let store = KeyringStore(directory: s.home)
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            let detect = { (keyID: String?) -> HTTPResponse.Status in
                var body: [String: Any] = ["text": ServerTests.human]
                if let keyID { body["key_id"] = keyID }
                return try await client.execute(
                    uri: "/v1/detect", method: .post, headers: headers,
                    body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
                ) { $0.status }
            }
            let first = try store.load().primary().id
            #expect(try await detect(first) == .ok)  // loads and caches the keyring
            let rotated = try store.modify { ring throws(GreenmarkError) in try ring.rotated() }
            #expect(try await detect(rotated.id) == .ok)  // the new key, written by "the CLI", is visible at once (404 if stale)
            try store.modify { ring throws(GreenmarkError) in (try ring.setting(first, to: .disabled), ()) }
            #expect(try await detect(first) == .unprocessableContent)  // disabled: key.not_usable (200 if stale)
            #expect(chmod(store.path, 0o644) == 0)
            #expect(try await detect(nil) == .internalServerError)  // keyring.permissions, as without the cache
            #expect(chmod(store.path, 0o600) == 0)
            #expect(try await detect(nil) == .ok)
        }
    }
}
