import Foundation
import Testing

/// Delayed key disclosure end to end with the real binary and model: certify under a key,
/// rotate, disable, disclose, then audit the certificate with nothing but public material.
@Suite("greenmark keys disclose / audit (real process)", .serialized)
struct KeyDisclosureCLITests {
    @Test("certify, rotate, disclose; audit checks the commitment and recomputes the detection; forged or edited inputs fail")
    func disclosure() throws {
        let home = try TemporaryHome()
        #expect(try CLIProcess.run(["trust", "init", "--home", home.path]).status == 0)
        let dir = home.path + "/public"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let gen = try CLIProcess.generateScorable(
            ["--home", home.path, "--max-tokens", "120", "--prompt", "Write a short paragraph about bridges."],
            detect: ["--home", home.path], seed: 17)
        #expect(gen.status == 0, "\(gen.stderr)")
        let essay = dir + "/essay.txt"
        try Data(gen.stdout.utf8).write(to: URL(fileURLWithPath: essay))
        let cert = dir + "/essay.cert.json"
        let certify = try CLIProcess.run(["certify", "--home", home.path, essay, "-o", cert])
        #expect(certify.status == 0, "\(certify.stderr)")
        let certText = try String(contentsOfFile: cert, encoding: .utf8)
        #expect(!certText.isEmpty)

        let list = try CLIProcess.run(["keys", "list", "--home", home.path, "--json"])
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let old = try #require(keys.first?["id"] as? String)
        // A key still in use cannot be disclosed.
        let early = try CLIProcess.run(["keys", "disclose", "--home", home.path, old, "--yes", "-o", dir + "/early.json"])
        #expect(early.status == 1 && early.stderr.contains("disable it first"))
        #expect(try CLIProcess.run(["keys", "rotate", "--home", home.path]).status == 0)
        #expect(try CLIProcess.run(["keys", "disable", "--home", home.path, old]).status == 0)
        let disclosed = dir + "/\(old).json"
        let disclose = try CLIProcess.run(["keys", "disclose", "--home", home.path, old, "--yes", "-o", disclosed])
        #expect(disclose.status == 0, "\(disclose.stderr)")
        // Once public, the key can never be enabled again.
        let reenable = try CLIProcess.run(["keys", "enable", "--home", home.path, old])
        #expect(reenable.status != 0)
        #expect(reenable.stderr.contains("disclosed") && reenable.stderr.contains("key.invalid_transition"), "\(reenable.stderr)")

        let audit = try CLIProcess.run([
            "audit", cert, "--text", essay, "--trust", home.path + "/trust/root-key.json", "--trust-update", home.path + "/trust/trusted-root.json",
            "--disclosed-key", disclosed,
        ])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.contains("AUDIT PASSED"))
        #expect(audit.stdout.contains("audit.commitment.match") && audit.stdout.contains("audit.recompute.match"))

        // A disclosure with another secret derives another key id.
        var forged = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: disclosed))) as? [String: Any])
        forged["secret_hex"] = String(repeating: "ab", count: 32)
        let forgedPath = dir + "/forged.json"
        try JSONSerialization.data(withJSONObject: forged).write(to: URL(fileURLWithPath: forgedPath))
        let bad = try CLIProcess.run([
            "audit", cert, "--text", essay, "--trust", home.path + "/trust/root-key.json", "--trust-update", home.path + "/trust/trusted-root.json",
            "--disclosed-key", forgedPath,
        ])
        #expect(bad.status == 1 && bad.stdout.contains("audit.key.mismatch"))

        // An edited text fails before any key check.
        let edited = dir + "/edited.txt"
        try Data((gen.stdout + " And more.").utf8).write(to: URL(fileURLWithPath: edited))
        let changed = try CLIProcess.run([
            "audit", cert, "--text", edited, "--trust", home.path + "/trust/root-key.json", "--trust-update", home.path + "/trust/trusted-root.json",
            "--disclosed-key", disclosed,
        ])
        #expect(changed.status == 1 && changed.stdout.contains("AUDIT FAILED"))
    }
}
