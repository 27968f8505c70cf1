import Foundation
import GreenmarkTestSupport
import Testing

/// gumbel-v1 certificates end to end with the real binary and tokenizer: a gumbel-v1 key
/// certifies, the Swift and the Python verifiers accept the certificate and its trusted root
/// (which lists the gumbel-v1 key), and after disclosure `greenmark audit` recomputes the score.
@Suite("gumbel-v1 certify / verify / audit (real process)", .serialized)
struct GumbelCertificateCLITests {
    /// `greenmark-verify` (the Python reference, installed by scripts/bootstrap.sh) run from `/`.
    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try Subprocess.run("/usr/bin/env", ["python3", "-m", "greenmark_verify"] + arguments, in: URL(fileURLWithPath: "/"))
    }

    @Test("gumbel-v1: human and generated text certify; Swift and Python verifiers accept them and the receipt; audit recomputes T and S")
    func roundTrip() throws {
        let home = try TemporaryHome(initialized: false)
        #expect(try CLIProcess.run(["keys", "init", "--home", home.path, "--prf", "gumbel-v1", "--context-width", "4"]).status == 0)
        #expect(try CLIProcess.run(["trust", "init", "--home", home.path]).status == 0)
        let essay = CLIProcess.fixture("gettysburg.txt")
        let cert = home.path + "/essay.cert.json"
        let certify = try CLIProcess.run(["certify", essay, "-o", cert, "--home", home.path])
        #expect(certify.status == 0, "\(certify.stderr)")
        #expect(certify.stderr.contains("score"), "\(certify.stderr)")

        // The signed predicate: the gumbel-v1 statistic, no green-list members.
        let file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cert))) as? [String: Any])
        var payload = (file["payload"] as? String ?? "").replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        let payloadBytes = try #require(Data(base64Encoded: payload))
        let statement = try #require(try JSONSerialization.jsonObject(with: payloadBytes) as? [String: Any])
        let predicate = try #require(statement["predicate"] as? [String: Any])
        #expect((predicate["scheme"] as? [String: Any])?["prf"] as? String == "gumbel-v1")
        #expect((predicate["scheme"] as? [String: Any])?["gamma"] as? String == "0")
        #expect(predicate["score"] is String && predicate["green_tokens"] == nil && predicate["z_score"] == nil)
        #expect(predicate["verdict"] as? String == "no_watermark" && predicate["search_spans"] as? Bool == false)

        let trust = ["--trust", home.path + "/trust/root-key.json", "--trust-update", home.path + "/trust/trusted-root.json"]
        let verify = try CLIProcess.run(["verify", cert, "--text", essay] + trust)
        #expect(verify.status == 0 && verify.stdout.contains("score "), "\(verify.stdout)")
        let reference = try Self.python([cert, "--text", essay] + trust)
        #expect(reference.status == 0 && reference.output.contains("exact Gamma tail checked"), "\(reference.output)")

        // Text the default model generated under the key: a watermarked attestation, and a receipt (delta 0.0000).
        let generated = home.path + "/generated.txt"
        let receipt = home.path + "/generated.receipt.json"
        // The key is fresh for every run: the next seed while the answer is too short to score.
        let gen = try CLIProcess.generateScorable(
            ["--home", home.path, "--max-tokens", "160", "--prompt", "Write a long paragraph about bridges.", "--receipt", receipt],
            detect: ["--home", home.path], seed: 17)
        #expect(gen.status == 0, "\(gen.stderr)")
        try Data(gen.stdout.utf8).write(to: URL(fileURLWithPath: generated))
        let markedCert = home.path + "/generated.cert.json"
        let markedCertify = try CLIProcess.run(["certify", generated, "-o", markedCert, "--home", home.path])
        #expect(markedCertify.status == 0 && markedCertify.stderr.contains("very likely generated"), "\(markedCertify.stderr)")
        for file in [markedCert, receipt] {
            let swift = try CLIProcess.run(["verify", file, "--text", generated] + trust)
            #expect(swift.status == 0, "\(swift.stdout)")
            let python = try Self.python([file, "--text", generated] + trust)
            #expect(python.status == 0, "\(python.output)")
            if file == markedCert {
                #expect(
                    swift.stdout.contains("verdict watermarked, score ") && python.output.contains("verdict watermarked, score "), "\(python.output)")
            }
        }

        // Disclose the key, then audit with public material only.
        let list = try CLIProcess.run(["keys", "list", "--home", home.path, "--json"])
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let id = try #require(keys.first?["id"] as? String)
        #expect(try CLIProcess.run(["keys", "rotate", "--home", home.path]).status == 0)
        #expect(try CLIProcess.run(["keys", "disable", "--home", home.path, id]).status == 0)
        let disclosed = home.path + "/\(id).json"
        #expect(try CLIProcess.run(["keys", "disclose", "--home", home.path, id, "--yes", "-o", disclosed]).status == 0)
        let publicTrust = ["--trust", home.path + "/trust/root-key.json", "--trust-update", home.path + "/trust/trusted-root.json"]
        let audit = try CLIProcess.run(["audit", cert, "--text", essay, "--disclosed-key", disclosed] + publicTrust)
        #expect(audit.status == 0 && audit.stdout.contains("audit.recompute.match"), "\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.contains("recomputed score \(predicate["score"] as? String ?? "?") over \(predicate["tokens_scored"] as? Int ?? -1)"))
        let markedAudit = try CLIProcess.run(["audit", markedCert, "--text", generated, "--disclosed-key", disclosed] + publicTrust)
        #expect(markedAudit.status == 0 && markedAudit.stdout.contains("audit.recompute.match"), "\(markedAudit.stdout)")
        let receiptAudit = try CLIProcess.run(["audit", receipt, "--text", generated, "--disclosed-key", disclosed] + publicTrust)
        #expect(receiptAudit.status == 0 && receiptAudit.stdout.contains("audit.commitment.match"), "\(receiptAudit.stdout)")

        // The key id does not cover the scheme: a disclosure claiming h 2 is refused, not re-scored.
        var other = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: disclosed))) as? [String: Any])
        other["scheme"] = ["prf": "gumbel-v1", "h": 2]
        let otherPath = home.path + "/other.json"
        try JSONSerialization.data(withJSONObject: other).write(to: URL(fileURLWithPath: otherPath))
        let mismatch = try CLIProcess.run(["audit", cert, "--text", essay, "--disclosed-key", otherPath] + publicTrust)
        #expect(mismatch.status == 1 && mismatch.stdout.contains("audit.scheme.mismatch"), "\(mismatch.stdout)")
    }
}
