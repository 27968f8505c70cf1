import Foundation
import Testing

@Suite("greenmark certify / verify / trust (real process)", .serialized)
struct CertificateCLITests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-text-\(UUID().uuidString).txt").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("certify then verify offline: exit 0 valid, 1 invalid, 2 usage error")
    func certifyVerify() throws {
        let home = try TemporaryHome()
        #expect(try CLIProcess.run(["trust", "init", "--home", home.path]).status == 0)
        let essay = CLIProcess.fixture("gettysburg.txt")
        let cert = home.path + "/essay.cert.json"
        let certify = try CLIProcess.run(["certify", essay, "-o", cert, "--home", home.path])
        #expect(certify.status == 0, "\(certify.stderr)")
        #expect(certify.stderr.contains("no watermark found"))

        let rootKey = home.path + "/trust/root-key.json"
        let latest = home.path + "/trust/trusted-root.json"
        // A bare root key is never enough: trust.incomplete, exit 1.
        let bare = try CLIProcess.run(["verify", cert, "--text", essay, "--trust", rootKey])
        #expect(bare.status == 1 && bare.stdout.contains("trust.incomplete"), "\(bare.stdout)")
        let ok = try CLIProcess.run(["verify", cert, "--text", essay, "--trust", rootKey, "--trust-update", latest, "--json"])
        #expect(ok.status == 0, "\(ok.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])
        #expect(report["status"] as? String == "valid")
        let codes = (report["checks"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(
            codes == [
                "trust.valid", "format.valid", "header.valid", "key.trusted", "signature.valid", "statement.valid", "key.valid", "text.digest.match",
            ])
        // Verified as of a time after the trusted root expires (30 days by default): trust.stale.
        let later = try CLIProcess.run([
            "verify", cert, "--text", essay, "--trust", rootKey, "--trust-update", latest,
            "--at", Self.format(Date().addingTimeInterval(31 * 86_400)),
        ])
        #expect(later.status == 1 && later.stdout.contains("trust.stale"), "\(later.stdout)")
        // As of a time before the certificate was issued (beyond the 300 s skew): time.future.
        let earlier = try CLIProcess.run(["verify", cert, "--text", essay, "--trust", latest, "--at", Self.format(Date().addingTimeInterval(-3_600))])
        #expect(earlier.status == 1 && earlier.stdout.contains("time.future"), "\(earlier.stdout)")
        #expect(try CLIProcess.run(["verify", cert, "--text", essay, "--trust", latest, "--at", "2026-02-30T00:00:00Z"]).status == 2)
        // A text over 64 MiB is refused whole, never truncated: the certified text plus a tail.
        let huge = home.path + "/huge.txt"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: essay))
        bytes.append(Data(repeating: 0x0A, count: 64 << 20))
        bytes.append(Data("THIS PARAGRAPH WAS ADDED LATER.".utf8))
        try bytes.write(to: URL(fileURLWithPath: huge))
        let tooLarge = try CLIProcess.run(["verify", cert, "--text", huge, "--trust", latest])
        #expect(tooLarge.status == 1 && tooLarge.stdout.contains("text.too_large"), "\(tooLarge.stdout)")
        try? FileManager.default.removeItem(atPath: huge)

        // The same essay through an editor (CRLF, trailing spaces) still matches.
        let original = try String(contentsOfFile: essay, encoding: .utf8)
        let edited = try write(original.replacingOccurrences(of: "\n", with: "  \r\n"))
        #expect(try CLIProcess.run(["verify", cert, "--text", edited, "--trust", home.path + "/trust/trusted-root.json"]).status == 0)

        let other = try CLIProcess.run(["verify", cert, "--text", CLIProcess.fixture("ishmael.txt"), "--trust", latest])
        #expect(other.status == 1)
        #expect(other.stdout.contains("INVALID") && other.stdout.contains("text.digest.mismatch"))

        let missing = try CLIProcess.run(["verify", cert, "--text", "/nonexistent.txt", "--trust", latest])
        #expect(missing.status == 2)
        let usage = try CLIProcess.run(["verify", cert])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--trust"))
        // Without --text only the certificate itself is checked (no text.* check in the report).
        let noText = try CLIProcess.run(["verify", cert, "--trust", latest, "--json"])
        #expect(noText.status == 0 && !noText.stdout.contains("text.digest"), "\(noText.stdout)")
    }

    @Test("issuer rotation and revocation through the CLI; old certificates stay valid")
    func rotationAndRevocation() throws {
        let home = try TemporaryHome()
        #expect(try CLIProcess.run(["trust", "init", "--home", home.path]).status == 0)
        let essay = CLIProcess.fixture("declaration.txt")
        let before = home.path + "/before.json"
        #expect(try CLIProcess.run(["certify", essay, "-o", before, "--home", home.path]).status == 0)
        let v1 = home.path + "/trust/trusted-root-v1.json"
        let show1 = try CLIProcess.run(["trust", "show", "--json", "--home", home.path])
        let body = try #require(try JSONSerialization.jsonObject(with: Data(show1.stdout.utf8)) as? [String: Any])
        let firstIssuer = try #require((body["issuing_keys"] as? [[String: Any]])?.first?["key_id"] as? String)

        #expect(try CLIProcess.run(["trust", "rotate-issuer", "--home", home.path]).status == 0)
        // Watermark-key rotation also publishes a new trusted-root version.
        #expect(try CLIProcess.run(["keys", "rotate", "--home", home.path]).status == 0)
        let v2 = home.path + "/trust/trusted-root-v2.json"
        let v3 = home.path + "/trust/trusted-root-v3.json"
        #expect(try CLIProcess.run(["verify", before, "--text", essay, "--trust", v1, "--trust-update", v2, "--trust-update", v3]).status == 0)

        // Revoke the first issuer as compromised since long before: its certificate now fails.
        let revoke = try CLIProcess.run(["keys", "revoke", firstIssuer, "--compromised-since", "2020-01-01T00:00:00Z", "--home", home.path])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        let v4 = home.path + "/trust/trusted-root-v4.json"
        let failed = try CLIProcess.run([
            "verify", before, "--text", essay, "--trust", v1, "--trust-update", v2, "--trust-update", v3, "--trust-update", v4, "--json",
        ])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("key.revoked"))
        // The root key with every published version, in any order: the revocation reaches it too.
        let rootKey = home.path + "/trust/root-key.json"
        // (One flag may take several files, as the shell expands trusted-root-v*.json.)
        let pinnedKey = try CLIProcess.run([
            "verify", before, "--text", essay, "--trust", rootKey, "--trust-update", v4, v2, v1, "--trust-update", v3,
        ])
        #expect(pinnedKey.status == 1 && pinnedKey.stdout.contains("key.revoked"), "\(pinnedKey.stdout)")
        // Rollback: v3 while the verifier has seen v4 is refused.
        let rollback = try CLIProcess.run(["verify", before, "--text", essay, "--trust", v3, "--min-trust-version", "4"])
        #expect(rollback.status == 1 && rollback.stdout.contains("trust.rollback"))
        let badID = try CLIProcess.run(["keys", "revoke", "wk-0000", "--compromised-since", "2020-01-01T00:00:00Z", "--home", home.path])
        #expect(badID.status == 64)

        let export = home.path + "/exported"
        #expect(try CLIProcess.run(["trust", "export", "-o", export, "--home", home.path]).status == 0)
        let exported = try FileManager.default.contentsOfDirectory(atPath: export)
        #expect(exported.contains("root-key.json") && exported.contains("trusted-root-v4.json") && !exported.contains("signing.json"))
    }

    @Test("the worked example of docs/certificate-format.md: valid as of 2026-06-15, trust.stale today, trust.incomplete with the root key alone")
    func workedExample() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("certs/examples").path
        let base = ["verify", examples + "/detection-attestation.json", "--text", examples + "/text.txt", "--trust", examples + "/root-key.json"]
        // The documented command (the shell's expansion of trusted-root-v*.json, here in reverse order).
        let ok = try CLIProcess.run(
            base + [
                "--trust-update", examples + "/trusted-root-v4.json", "--trust-update", examples + "/trusted-root-v3.json",
                "--trust-update", examples + "/trusted-root-v2.json", "--trust-update", examples + "/trusted-root-v1.json",
                "--at", "2026-06-15T00:00:00Z",
            ])
        #expect(ok.status == 0, "\(ok.stdout)")
        let today = try CLIProcess.run(base + (1...4).flatMap { ["--trust-update", examples + "/trusted-root-v\($0).json"] })
        #expect(today.status == 1 && today.stdout.contains("trust.stale"), "\(today.stdout)")
        let bare = try CLIProcess.run(base + ["--at", "2026-06-15T00:00:00Z"])
        #expect(bare.status == 1 && bare.stdout.contains("trust.incomplete"), "\(bare.stdout)")
    }

    @Test("generate signs a receipt that verifies against the exported root")
    func generationReceipt() throws {
        let home = try TemporaryHome()
        #expect(try CLIProcess.run(["trust", "init", "--home", home.path]).status == 0)
        let receipt = home.path + "/receipt.json"
        let gen = try CLIProcess.run([
            "generate", "--home", home.path, "--json", "--seed", "5", "--max-tokens", "40",
            "--prompt", "Say something about rivers.", "--receipt", receipt,
        ])
        #expect(gen.status == 0, "\(gen.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(gen.stdout.utf8)) as? [String: Any])
        #expect(json["receipt"] is [String: Any])
        let text = try write(try #require(json["text"] as? String))
        let verify = try CLIProcess.run([
            "verify", receipt, "--text", text, "--trust", home.path + "/trust/root-key.json",
            "--trust-update", home.path + "/trust/trusted-root.json", "--json",
        ])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("generation_receipt"))
    }

    static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
