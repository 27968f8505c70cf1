import Foundation
import Testing

@Suite("greenmark CLI: schemes, span search, normalization (real process)", .serialized)
struct RobustDetectionCLITests {
    @Test("keys init/rotate --prf selfhash-v1 makes SelfHash keys (h = 4 by default); both keys detect")
    func selfHashKeys() throws {
        let home = try TemporaryHome(initialized: false)
        let initResult = try CLIProcess.run(["keys", "init", "--home", home.path, "--prf", "selfhash-v1"])
        #expect(initResult.status == 0, "\(initResult.stderr)")
        #expect(initResult.stdout.contains("selfhash-v1 gamma=0.25 h=4"))
        let rotate = try CLIProcess.run(["keys", "rotate", "--home", home.path, "--prf", "lefthash-v1"])
        #expect(rotate.status == 0, "\(rotate.stderr)")
        #expect(rotate.stdout.contains("lefthash-v1 gamma=0.25 h=1"))
        let list = try CLIProcess.run(["keys", "list", "--home", home.path, "--json"])
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let prfs = keys.compactMap { ($0["scheme"] as? [String: Any])?["prf"] as? String }
        #expect(Set(prfs) == ["selfhash-v1", "lefthash-v1"])
        let detect = try CLIProcess.run(["detect", "--home", home.path, "--json", "--no-mask", CLIProcess.fixture("gettysburg.txt")])
        #expect(detect.status == 0, "\(detect.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(detect.stdout.utf8)) as? [String: Any])
        #expect(json["keys_tried"] as? Int == 2)
        let bad = try CLIProcess.run(["keys", "add", "--home", home.path, "--prf", "minhash-v9"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("minhash-v9"))
    }

    @Test("detect --search-spans reports the search; look-alike characters are reported in plain words")
    func searchAndNormalization() throws {
        let home = try TemporaryHome()
        let text = try String(contentsOfFile: CLIProcess.fixture("two-cities.txt"), encoding: .utf8)
            .replacingOccurrences(of: "e", with: "е")  // Cyrillic ie
        let r = try CLIProcess.run(["detect", "--home", home.path, "--search-spans", "-"], stdin: Data(text.utf8))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("look-alike characters mapped back"))
        #expect(r.stdout.contains("Verdict: no watermark found"))
        let j = try CLIProcess.run(["detect", "--home", home.path, "--search-spans", "--json", "--no-mask", "-"], stdin: Data(text.utf8))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        #expect(json["span_search"] as? Bool == true)
        #expect(((json["normalization"] as? [String: Any])?["confusables_mapped"] as? Int ?? 0) > 100)
    }
}
