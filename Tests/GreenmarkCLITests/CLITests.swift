import ArgumentParser
import Foundation
import GreenmarkCLI
import GreenmarkCore
import Testing

@Suite("greenmark CLI (real process)", .serialized)
struct CLITests {
    static let humanFixtures = ["gettysburg.txt", "declaration.txt", "two-cities.txt", "ishmael.txt"]

    @Test("detect --json on human prose reports watermarked: false, and S, z and p = Q(T, S) consistently", arguments: humanFixtures)
    func humanProse(fixture: String) throws {
        let home = try TemporaryHome()
        let r = try CLIProcess.run(["detect", "--home", home.path, "--json", CLIProcess.fixture(fixture)])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        // No bound on z: gumbel-v1 decides by p, and a fresh key's Gamma(T, 1) score reaches z >= 4
        // more often (9e-5 at T = 300) than p <= 3.17e-5, the rule's own false-positive rate.
        let z = try #require(json["z_score"] as? Double)
        #expect(json["watermarked"] as? Bool == false)
        #expect(json["verdict"] as? String == "no_watermark")
        let scored = try #require(json["tokens_scored"] as? Int)
        #expect(scored >= 200)
        // The default key is gumbel-v1: a score S (no green count), z = (S − T)/√T, p = Q(T, S).
        #expect(json["green_tokens"] == nil)
        let score = try #require(json["score"] as? Double)
        #expect(abs(z - (score - Double(scored)) / Double(scored).squareRoot()) < 1e-9)
        let p = try #require(json["p_value"] as? Double)
        #expect(p > 3e-5)
        #expect(abs(p - GammaTail.pValue(score: score, count: scored).probability) <= 1e-12)
        let mask = try #require(json["mask"] as? [[String: Any]])
        #expect(mask.count == json["tokens_total"] as? Int)
        #expect((json["key_id"] as? String)?.hasPrefix("wk-") == true)
    }

    @Test("plain output explains the verdict and never says the text is human-written")
    func plainOutput() throws {
        let home = try TemporaryHome()
        let r = try CLIProcess.run(["detect", "--home", home.path, CLIProcess.fixture("gettysburg.txt")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Verdict: no watermark found"))
        #expect(r.stdout.contains("does NOT show that a human wrote it"))
        #expect(r.stdout.contains("scores this high"))
    }

    @Test("reading from standard input")
    func stdin() throws {
        let home = try TemporaryHome()
        let text = try String(contentsOfFile: CLIProcess.fixture("ishmael.txt"), encoding: .utf8)
        let r = try CLIProcess.run(["detect", "--home", home.path, "--json", "-"], stdin: Data(text.utf8))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"z_score\""))
    }

    @Test("short text is too short to decide")
    func shortText() throws {
        let home = try TemporaryHome()
        let r = try CLIProcess.run(["detect", "--home", home.path, CLIProcess.fixture("short.txt")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("too short to decide"))
        #expect(r.stdout.contains("more)"))
    }

    @Test(
        "bad inputs give one clear line and a non-zero exit, never a crash",
        arguments: [
            (["detect", "/nonexistent/essay.txt"], "input.unreadable"),
            (["detect", "Fixtures:invalid-utf8.txt"], "input.invalid_utf8"),
            (["detect", "Fixtures:blank.txt"], "input.empty_text"),
        ])
    func badInput(arguments: [String], code: String) throws {
        let home = try TemporaryHome()
        let args = arguments.map { $0.hasPrefix("Fixtures:") ? CLIProcess.fixture(String($0.dropFirst(9))) : $0 }
        let r = try CLIProcess.run(args + ["--home", home.path])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("greenmark: error: "))
        #expect(r.stderr.contains("[\(code)]"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stdout.isEmpty)
    }

    @Test("a missing keyring says how to create one")
    func missingKeyring() throws {
        let home = try TemporaryHome(initialized: false)
        let r = try CLIProcess.run(["detect", "--home", home.path, CLIProcess.fixture("gettysburg.txt")])
        #expect(r.status == 1)
        #expect(r.stderr.contains("[keyring.missing]"))
        #expect(r.stderr.contains("greenmark keys init"))
    }

    @Test("GREENMARK_HOME selects the home when --home is absent")
    func environmentHome() throws {
        let home = try TemporaryHome()
        let r = try CLIProcess.run(["keys", "list", "--json"], environment: ["GREENMARK_HOME": home.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"primary\""))
    }

    @Test("keys list shows ids and states but never a secret; rotation and state changes work")
    func keysLifecycle() throws {
        let home = try TemporaryHome()
        let keyringText = try String(contentsOfFile: home.path + "/keyring.json", encoding: .utf8)
        let ring = try #require(try JSONSerialization.jsonObject(with: Data(keyringText.utf8)) as? [String: Any])
        let secret = try #require(((ring["keys"] as? [[String: Any]])?.first?["secret_hex"]) as? String)
        let firstID = try #require(((ring["keys"] as? [[String: Any]])?.first?["id"]) as? String)

        let rotate = try CLIProcess.run(["keys", "rotate", "--home", home.path])
        #expect(rotate.status == 0)
        let list = try CLIProcess.run(["keys", "list", "--home", home.path])
        let listJSON = try CLIProcess.run(["keys", "list", "--json", "--home", home.path])
        for output in [list, listJSON, rotate] {
            #expect(!output.stdout.contains(secret))
            #expect(!output.stderr.contains(secret))
        }
        #expect(list.stdout.contains(firstID))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listJSON.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { ($0["vocabulary"] as? String)?.hasPrefix("vocab-") == true })
        #expect(rows.first { $0["id"] as? String == firstID }?["state"] as? String == "enabled")

        // Detection with the old key by id still works.
        let detect = try CLIProcess.run([
            "detect", "--home", home.path, "--key", firstID, "--json", "--no-mask", CLIProcess.fixture("gettysburg.txt"),
        ])
        #expect(detect.status == 0)
        #expect(detect.stdout.contains(firstID))
        #expect(!detect.stdout.contains("\"mask\""))

        let destroyNoConfirm = try CLIProcess.run(["keys", "destroy", firstID, "--home", home.path])
        #expect(destroyNoConfirm.status != 0)
        #expect(destroyNoConfirm.stderr.contains("--yes"))
        #expect(try CLIProcess.run(["keys", "disable", firstID, "--home", home.path]).status == 0)
        #expect(try CLIProcess.run(["keys", "destroy", firstID, "--yes", "--home", home.path]).status == 0)
        let after = try String(contentsOfFile: home.path + "/keyring.json", encoding: .utf8)
        #expect(!after.contains(secret))
        let detectDestroyed = try CLIProcess.run(["detect", "--home", home.path, "--key", firstID, CLIProcess.fixture("gettysburg.txt")])
        #expect(detectDestroyed.status == 1)
        #expect(detectDestroyed.stderr.contains("[key.not_usable]"))
        let unknown = try CLIProcess.run(["keys", "promote", "wk-0000000000000000", "--home", home.path])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("[key.not_found]"))
    }

    @Test("keys init refuses to overwrite an existing keyring")
    func initTwice() throws {
        let home = try TemporaryHome()
        let before = try String(contentsOfFile: home.path + "/keyring.json", encoding: .utf8)
        let r = try CLIProcess.run(["keys", "init", "--home", home.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("[keyring.exists]"))
        #expect(try String(contentsOfFile: home.path + "/keyring.json", encoding: .utf8) == before)
    }

    @Test("keys init without --prf makes the embedded default, a gumbel-v1 h=4 key; --gamma alone says to pick a green-list PRF")
    func defaultScheme() throws {
        let home = try TemporaryHome(initialized: false)
        let r = try CLIProcess.run(["keys", "init", "--home", home.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("gumbel-v1 h=4"), "\(r.stdout)")
        let list = try CLIProcess.run(["keys", "list", "--home", home.path, "--json"])
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let scheme = try #require(keys.first?["scheme"] as? [String: Any])
        #expect(scheme["prf"] as? String == "gumbel-v1" && scheme["h"] as? Int == 4 && scheme["gamma"] == nil, "\(scheme)")
        let gammaAlone = try CLIProcess.run(["keys", "add", "--home", home.path, "--gamma", "0.5"])
        #expect(gammaAlone.status == 1)
        #expect(gammaAlone.stderr.contains("[scheme.invalid]") && gammaAlone.stderr.contains("--prf lefthash-v1"), "\(gammaAlone.stderr)")
    }

    @Test("argument validation happens before any work")
    func parsing() throws {
        #expect(throws: (any Error).self) { try Greenmark.parseAsRoot(["detect", "--min-tokens", "0"]) }
        #expect(throws: (any Error).self) { try Greenmark.parseAsRoot(["keys", "init", "--gamma", "abc"]) }
        #expect(throws: Never.self) { try Greenmark.parseAsRoot(["detect", "--json", "file.txt"]) }
        let r = try CLIProcess.run(["keys", "init", "--gamma", "1.5", "--home", "/tmp/gm-never-created"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("[scheme.invalid]"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/gm-never-created/keyring.json"))
    }

    @Test("generate --json then detect: the round trip through the real processes")
    func generateThenDetect() throws {
        let home = try TemporaryHome()
        let gen = try CLIProcess.generateScorable(
            ["--home", home.path, "--json", "--max-tokens", "150", "--prompt", "Write a short essay about the history of tea."],
            detect: ["--home", home.path], seed: 11,
            text: { output in
                ((try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8))) as? [String: Any])?["text"] as? String ?? ""
            })
        #expect(gen.status == 0, "\(gen.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(gen.stdout.utf8)) as? [String: Any])
        let text = try #require(json["text"] as? String)
        #expect((json["tokens"] as? Int ?? 0) > 50)
        #expect((json["key_id"] as? String)?.hasPrefix("wk-") == true)
        #expect((json["model"] as? [String: Any])?["sha256"] as? String == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
        #expect(json.keys.contains("receipt"))
        #expect(gen.stderr.isEmpty)  // no progress bar when stderr is not a terminal

        let det = try CLIProcess.run(["detect", "--home", home.path, "--json", "--no-mask", "-"], stdin: Data(text.utf8))
        let result = try #require(try JSONSerialization.jsonObject(with: Data(det.stdout.utf8)) as? [String: Any])
        #expect(result["watermarked"] as? Bool == true, "z = \(result["z_score"] ?? "nil")")
        #expect(result["key_id"] as? String == json["key_id"] as? String)
    }

    @Test("generate rejects bad options before loading anything")
    func generateValidation() throws {
        let home = try TemporaryHome()
        for args in [["--max-tokens", "0"], ["--temperature", "-1"], ["--top-p", "1.5"], ["--threads", "0"]] {
            let r = try CLIProcess.run(["generate", "--home", home.path, "--prompt", "hi"] + args)
            #expect(r.status == 64, "\(args)")
            #expect(r.stderr.contains("Error:"))
        }
        let missing = try TemporaryHome(initialized: false)
        let r = try CLIProcess.run(["generate", "--home", missing.path, "--prompt", "hi"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("[keyring.missing]"))
    }
}
