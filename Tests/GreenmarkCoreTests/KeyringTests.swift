import Foundation
import GreenmarkCore
import GreenmarkCrypto
import Testing

/// `Keyring` and `WatermarkKey` as values (no files): staged rotation and a redacted description.
@Suite("Keyring and keys as values")
struct KeyringTests {
    @Test("add then promote: the staged key detects first, then watermarks")
    func addThenPromote() throws {
        let ring = try Keyring.create()
        let (added, staged) = try ring.adding()
        #expect(staged.state == .enabled)
        #expect(added.detectionKeys.map(\.id) == [try ring.primary().id, staged.id])
        let promoted = try added.setting(staged.id, to: .primary)
        #expect(try promoted.primary().id == staged.id)
        #expect(promoted.keys.count { $0.state == .enabled } == 1)
    }

    @Test("a key's description never contains its secret")
    func noSecretInDescription() throws {
        let key = try WatermarkKey.generate(state: .primary)
        let hex = Hex.encode(key.secret)
        #expect(!"\(key)".contains(hex))
        #expect(!String(reflecting: key).contains(hex))
        var dumped = ""
        dump(key, to: &dumped)
        #expect(dumped.contains("<redacted>") && !dumped.contains("32 elements"))
        #expect(dumped.contains(key.id))
    }
}
