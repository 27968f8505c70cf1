import Foundation
import GreenmarkCrypto
import GreenmarkTransparency
import Testing

/// `greenmark log verify-consistency` (the real executable) on the RFC 6962 consistency probes of
/// transparency-dev/merkle (`../shared/external-vectors/rfc6962-merkle/consistency`, read at run
/// time): each probe's two roots become checkpoints signed by one log key, its proof the JSON of
/// `/v1/log/consistency`; the command must accept exactly the valid probes (the one whose roots are
/// 12 bytes cannot be a checkpoint, so it is refused by design, as `RFC6962VectorTests` notes).
@Suite("greenmark log verify-consistency (RFC 6962 consistency probes, real CLI)")
struct LogConsistencyCLITests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/external-vectors/rfc6962-merkle/consistency")
    static var enabled: Bool {
        FileManager.default.fileExists(atPath: folder.path) || ProcessInfo.processInfo.environment["CI"] != nil
    }

    struct Probe: Decodable {
        let size1: UInt64
        let size2: UInt64
        let root1: String?
        let root2: String?
        let proof: [String]?
        let desc: String
        let wantErr: Bool
    }

    /// A fixed test log key (seed 0x01…0x20) and its `/v1/log/key` JSON.
    static func logKey() throws -> (signer: SignedNote.Signer, json: Data) {
        let key = try Ed25519PrivateKey(seed: Array(1...32))
        let origin = "greenmark/log/" + Hex.encode(SHA256Digest.hash(key.publicKey.rawRepresentation).prefix(8))
        let publicKey = Data(key.publicKey.rawRepresentation).base64EncodedString()
        let json = try JSONSerialization.data(withJSONObject: ["origin": origin, "public_key": publicKey])
        return (try SignedNote.Signer(name: origin, key: key), json)
    }

    /// A signed note over a checkpoint body with `size` and `root` as they are (a root of another
    /// length than 32 bytes gives a note the checkpoint parser must refuse).
    static func note(size: UInt64, root: String?, signer: SignedNote.Signer) throws -> String {
        try SignedNote(text: "\(signer.name)\n\(size)\n\(root ?? "")\n").signed(by: [signer]).encoded
    }

    @Test("the 6 valid probes exit 0 (but the 12-byte-root one: 1), the 92 must-fail probes exit 1", .enabled(if: enabled))
    func probes() throws {
        let all = FileManager.default.enumerator(atPath: Self.folder.path)?.compactMap { $0 as? String } ?? []
        let files = all.filter { $0.hasSuffix(".json") }.sorted()
        try #require(files.count == 98, "expected 98 consistency probes in \(Self.folder.path)")
        let (signer, keyJSON) = try Self.logKey()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-logcons-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try keyJSON.write(to: URL(fileURLWithPath: dir + "/key.json"))
        var (accepted, refused) = (0, 0)
        for file in files {
            let p = try JSONDecoder().decode(Probe.self, from: Data(contentsOf: Self.folder.appendingPathComponent(file)))
            let old = (try? Self.note(size: p.size1, root: p.root1, signer: signer)) ?? "not a note\n"
            let new = (try? Self.note(size: p.size2, root: p.root2, signer: signer)) ?? "not a note\n"
            try old.write(toFile: dir + "/old", atomically: true, encoding: .utf8)
            try new.write(toFile: dir + "/new", atomically: true, encoding: .utf8)
            let proof = (p.proof ?? []).map { Data(base64Encoded: $0).map { Hex.encode(Array($0)) } ?? "zz" }
            let evidence: [String: Any] = ["old_size": p.size1, "new_size": p.size2, "proof": proof]
            try JSONSerialization.data(withJSONObject: evidence).write(to: URL(fileURLWithPath: dir + "/proof.json"))
            let r = try CLIProcess.run([
                "log", "verify-consistency", "--old", dir + "/old", "--new", dir + "/new", "--proof", dir + "/proof.json",
                "--log-key", dir + "/key.json", "--json",
            ])
            let twelveByteRoots = file.hasSuffix("sizes-are-equal-one-and-proof-is-empty.json")
            let expected: Int32 = p.wantErr || twelveByteRoots ? 1 : 0
            #expect(r.status == expected, "\(file) (\(p.desc)): exit \(r.status)\n\(r.stdout)\(r.stderr)")
            if r.status == 0 { accepted += 1 } else { refused += 1 }
        }
        #expect(accepted == 5 && refused == 93)
    }

    @Test(
        "without --proof two checkpoints of one size must have one root; two roots are tlog.equivocation; unreadable files exit 2",
        .enabled(if: enabled))
    func equalSizesAndUsage() throws {
        let (signer, keyJSON) = try Self.logKey()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gm-logcons-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try keyJSON.write(to: URL(fileURLWithPath: dir + "/key.json"))
        let rootA = Data(repeating: 0xAA, count: 32).base64EncodedString()
        let rootB = Data(repeating: 0xBB, count: 32).base64EncodedString()
        try Self.note(size: 7, root: rootA, signer: signer).write(toFile: dir + "/a", atomically: true, encoding: .utf8)
        try Self.note(size: 7, root: rootB, signer: signer).write(toFile: dir + "/b", atomically: true, encoding: .utf8)
        let same = try CLIProcess.run(["log", "verify-consistency", "--old", dir + "/a", "--new", dir + "/a", "--log-key", dir + "/key.json"])
        #expect(same.status == 0 && same.stdout.hasPrefix("CONSISTENT"), "\(same.stdout)\(same.stderr)")
        let split = try CLIProcess.run(["log", "verify-consistency", "--old", dir + "/a", "--new", dir + "/b", "--log-key", dir + "/key.json"])
        #expect(
            split.status == 1 && split.stdout.contains("log.consistency.invalid") && split.stdout.contains("tlog.equivocation"),
            "\(split.stdout)")
        // A checkpoint signed by another key is refused.
        let other = try SignedNote.Signer(name: signer.name, key: try Ed25519PrivateKey(seed: Array(repeating: 9, count: 32)))
        try Self.note(size: 7, root: rootA, signer: other).write(toFile: dir + "/forged", atomically: true, encoding: .utf8)
        let forged = try CLIProcess.run(["log", "verify-consistency", "--old", dir + "/a", "--new", dir + "/forged", "--log-key", dir + "/key.json"])
        #expect(forged.status == 1 && forged.stdout.contains("log.checkpoint.invalid"), "\(forged.stdout)")
        let missing = try CLIProcess.run(["log", "verify-consistency", "--old", dir + "/nope", "--new", dir + "/a", "--log-key", dir + "/key.json"])
        #expect(missing.status == 2)
    }
}
