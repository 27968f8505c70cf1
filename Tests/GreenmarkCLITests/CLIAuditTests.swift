import Foundation
import GreenmarkStorage
import Testing

/// Key and trust changes made with the CLI reach the registry's audit log (#17 item 9), as the
/// daemon's admin routes do, with the actor `cli:<user>`.
@Suite("CLI key and trust changes are audited (real process)", .serialized)
struct CLIAuditTests {
    @Test("keys init/add/rotate/disable/revoke and trust init/rotate-issuer/refresh each leave one audit entry")
    func everyChangeAudited() throws {
        let home = try TemporaryHome(initialized: false)
        func run(_ arguments: [String]) throws {
            let r = try CLIProcess.run(arguments + ["--home", home.path])
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            #expect(!r.stderr.contains("could not be written to the audit log"), "\(r.stderr)")
        }
        try run(["keys", "init"])
        try run(["trust", "init"])
        try run(["keys", "add"])
        try run(["keys", "rotate"])
        let listing = try CLIProcess.run(["keys", "list", "--json", "--home", home.path])
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [[String: Any]])
        let enabled = try #require(keys.first { $0["state"] as? String == "enabled" }?["id"] as? String)
        try run(["keys", "disable", enabled])
        let show = try CLIProcess.run(["trust", "show", "--json", "--home", home.path])
        let body = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let issuer = try #require((body["issuing_keys"] as? [[String: Any]])?.first?["key_id"] as? String)
        try run(["trust", "rotate-issuer"])
        try run(["keys", "revoke", issuer, "--compromised-since", "2026-01-01T00:00:00Z"])
        try run(["trust", "refresh"])

        let entries = try Registry.open(home: home.path, database: nil).auditLog(limit: 100)
        let actions = entries.sorted { $0.sequence < $1.sequence }.map(\.action)
        #expect(
            actions == [
                "keys.init", "trust.init", "keys.add", "keys.rotate", "keys.disabled", "trust.rotate_issuer", "signing.revoke", "trust.refresh",
            ],
            "\(actions)")
        #expect(entries.allSatisfy { $0.actor.hasPrefix("cli:") })
        #expect(entries.contains { $0.action == "keys.disabled" && $0.detail == enabled })
        #expect(entries.contains { $0.action == "signing.revoke" && $0.detail.hasPrefix("\(issuer) since 2026-01-01T00:00:00Z") })
        // A failed change is not audited.
        let bad = try CLIProcess.run(["keys", "revoke", "gik-0000000000000000", "--compromised-since", "2026-01-01T00:00:00Z", "--home", home.path])
        #expect(bad.status != 0)
        #expect(try Registry.open(home: home.path, database: nil).auditLog(limit: 100).count == entries.count)
    }
}
