import Foundation
import Testing

/// `greenmark certify --bundle` and `greenmark verify BUNDLE` / `verify DIR|FILES…` (the batch) as a
/// real process: exit 0/1/2, no `--text` needed, the digest-only bundle, `--json` rows and a CSV
/// whose cells cannot start a formula.
@Suite("greenmark certify --bundle / verify BUNDLE / batch (real process)", .serialized)
struct BundleCLITests {
    @Test("certify --bundle, then verify the bundle with only the root key; tampering, digest-only, usage errors")
    func certifyBundleVerify() throws {
        let home = try TemporaryHome()
        #expect(try CLIProcess.run(["trust", "init", "--home", home.path]).status == 0)
        let essay = CLIProcess.fixture("gettysburg.txt")
        let bundle = home.path + "/essay.bundle.json"
        let digestOnly = home.path + "/digest.bundle.json"
        let certify = try CLIProcess.run(["certify", essay, "--bundle", "-o", bundle, "--home", home.path])
        #expect(certify.status == 0 && certify.stderr.contains("bundle written"), "\(certify.stderr)")
        #expect(try CLIProcess.run(["certify", essay, "--bundle", "--digest-only", "-o", digestOnly, "--home", home.path]).status == 0)
        let rootKey = home.path + "/trust/root-key.json"

        let ok = try CLIProcess.run(["verify", bundle, "--trust", rootKey, "--json"])
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])
        let codes = (report["checks"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(
            codes == [
                "bundle.valid", "trust.valid", "format.valid", "header.valid", "key.trusted", "signature.valid",
                "statement.valid", "key.valid", "text.digest.match",
            ])
        // Digest only: the text must be supplied.
        let missing = try CLIProcess.run(["verify", digestOnly, "--trust", rootKey])
        #expect(missing.status == 1 && missing.stdout.contains("bundle.text_missing"), "\(missing.stdout)")
        #expect(try CLIProcess.run(["verify", digestOnly, "--trust", rootKey, "--text", essay]).status == 0)
        // The bundle's text edited: text.digest.mismatch, exit 1.
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle))) as? [String: Any])
        object["text"] = (object["text"] as? String ?? "") + " And one more sentence."
        let edited = home.path + "/edited.bundle.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: edited))
        let tampered = try CLIProcess.run(["verify", edited, "--trust", rootKey])
        #expect(tampered.status == 1 && tampered.stdout.contains("text.digest.mismatch"), "\(tampered.stdout)")
        // The bundle's roots expire like published ones: trust.stale after 30 days.
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(31 * 86_400))
        let stale = try CLIProcess.run(["verify", bundle, "--trust", rootKey, "--at", later])
        #expect(stale.status == 1 && stale.stdout.contains("trust.stale"), "\(stale.stdout)")
        // Usage errors: exit 2.
        #expect(try CLIProcess.run(["verify", bundle, "--trust", rootKey, "--log-proof", bundle, "--log-key", bundle]).status == 2)
        #expect(try CLIProcess.run(["verify", bundle, "--trust", rootKey, "--jobs", "2"]).status == 2)
        #expect(try CLIProcess.run(["verify", home.path + "/nonexistent.json", "--trust", rootKey]).status == 2)
    }

    @Test("a batch: a directory of bundles, --json rows with the failing code, an injection-safe --csv, exit 1 on one invalid")
    func batch() throws {
        let home = try TemporaryHome()
        #expect(try CLIProcess.run(["trust", "init", "--home", home.path]).status == 0)
        let essay = CLIProcess.fixture("gettysburg.txt")
        let dir = home.path + "/bundles"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for i in 0..<6 {
            #expect(try CLIProcess.run(["certify", essay, "--bundle", "-o", "\(dir)/essay-\(i).json", "--home", home.path]).status == 0)
        }
        // One file whose name could start a spreadsheet formula, and whose content is not a bundle.
        try Data("{\"media_type\":\"application/vnd.greenmark.bundle.v9+json\"}".utf8).write(to: URL(fileURLWithPath: "\(dir)/=HYPERLINK(1).json"))
        let rootKey = home.path + "/trust/root-key.json"
        let csv = home.path + "/report.csv"
        let run = try CLIProcess.run(["verify", dir, "--trust", rootKey, "--json", "--csv", csv, "--jobs", "2"])
        #expect(run.status == 1, "\(run.stdout) \(run.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 7)
        #expect(rows.filter { $0["valid"] as? Bool == true }.count == 6)
        let bad = try #require(rows.first { $0["valid"] as? Bool == false })
        #expect(bad["code"] as? String == "bundle.media_type_unsupported")
        #expect(rows.compactMap { $0["file"] as? String } == rows.compactMap { $0["file"] as? String }.sorted())
        #expect(try String(contentsOfFile: csv, encoding: .utf8).hasPrefix("file,valid,code,detail,certificate_id,issued_at,error\r\n"))
        // Named relative to the directory, the file's cell starts with "=": written quoted behind a "'".
        let named = try CLIProcess.run(["verify", "=HYPERLINK(1).json", "essay-0.json", "--trust", rootKey, "--csv", csv], directory: dir)
        #expect(named.status == 1)
        let report = try String(contentsOfFile: csv, encoding: .utf8)
        #expect(report.contains("\r\n\"'=HYPERLINK(1).json\",no,bundle.media_type_unsupported,"), "\(report)")
        #expect(!report.split(separator: "\r\n").contains { $0.hasPrefix("=") || $0.hasPrefix("\"=") })
        // Every bundle valid: exit 0; several files named one by one work too.
        try FileManager.default.removeItem(atPath: "\(dir)/=HYPERLINK(1).json")
        let files = (0..<6).map { "\(dir)/essay-\($0).json" }
        #expect(try CLIProcess.run(["verify"] + files + ["--trust", rootKey]).status == 0)
        #expect(try CLIProcess.run(["verify", dir, "--trust", rootKey, "--text", essay]).status == 2)
    }
}
