import Foundation
import GreenmarkCertificates
import GreenmarkCore
import GreenmarkKeys
import GreenmarkModel
import GreenmarkServer
import GreenmarkStorage
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #17: the detection service must not be a forgery tool. The attacks of `OracleAttacks`
/// run against the live daemon (loopback, the shipped default budgets, public detection on):
/// without the inspect permission neither the mask attack nor a hill-climb on what the caller
/// sees produces a text that detection calls watermarked within 1,000 queries, and the budget
/// stops the hill-climb first. The same attack code, given an inspect token, does forge: the
/// positive control that shows the attacks are real.
@Suite("detection is not a forgery tool (attacks against the live daemon)", .serialized)
struct DetectionOracleTests {
    static let vocabulary = try! AttackVocabulary(tokenizer: ServerTests.tokenizer)

    struct Setup {
        let services: GreenmarkServices
        let home: String
        let verify: String
        let stamp: String
        let inspector: String
        let admin: String
    }

    /// A daemon home (one key of `scheme`, fresh, or made from `secret`) with public detection on and
    /// the shipped default budgets.
    static func setup(
        budget: ScoringBudget.Policy? = DaemonConfiguration().budgetPolicy, scheme: WatermarkScheme = .leftHash, secret: [UInt8]? = nil
    ) throws -> Setup {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gm-oracle-\(UUID().uuidString)").path
        let store = KeyringStore(directory: home)
        var ring = try store.initialize(scheme: scheme, vocabulary: ServerTests.tokenizer.vocabularyID)
        if let secret {
            let key = try WatermarkKey(secret: secret, scheme: scheme, state: .primary, vocabulary: ServerTests.tokenizer.vocabularyID)
            ring = try store.modify { _ throws(GreenmarkError) in
                let fixed = try Keyring(keys: [key])
                return (fixed, fixed)
            }
        }
        try SigningKeyStore(directory: home).initialize(watermarkKeys: ring.keys)
        let registry = try Registry(path: home + "/registry.sqlite")
        let services = GreenmarkServices(home: home, tokenizer: ServerTests.tokenizer, registry: registry, publicDetection: true, budget: budget)
        return Setup(
            services: services, home: home, verify: try registry.createToken(role: .verify).token,
            stamp: try registry.createToken(role: .stamp).token,
            inspector: try registry.createToken(role: .verify, permissions: [.inspect]).token,
            admin: try registry.createToken(role: .admin).token)
    }

    /// The attacker's view of the daemon, as `token` (nil: no token).
    static func ask(_ client: some TestClientProtocol, _ token: String?) -> OracleAsk {
        { path, body in
            var headers: HTTPFields = [.contentType: "application/json"]
            if let token { headers[.authorization] = "Bearer \(token)" }
            let data = try JSONSerialization.data(withJSONObject: body)
            return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: data)) { r in
                OracleReply(
                    status: Int(r.status.code),
                    json: (try? JSONSerialization.jsonObject(with: Data(r.body.readableBytesView))) as? [String: Any] ?? [:],
                    retryAfter: r.headers[.retryAfter].flatMap { Int($0) })
            }
        }
    }

    /// What `greenmark detect` says about `text` (every detection key, whole text), with the home's keyring.
    static func cliVerdict(_ text: String, home: String) throws -> Verdict {
        let keys = try KeyringStore(directory: home).load().detectionKeys
        return try Detector(tokenizer: ServerTests.tokenizer).detect(text, keys: keys, includeMask: false).verdict
    }

    static func report(_ label: String, _ o: AttackOutcome) {
        print(
            String(
                format: "attack %@: %@ after %d queries, %d scored tokens charged, %.1f s", label, o.stop.description, o.queries, o.charged, o.seconds
            ))
    }

    @Test(
        "the mask attack is refused at its first query without the inspect permission (no token, verify, stamp); with an inspect token the same code forges"
    )
    func maskAttack() async throws {
        let s = try Self.setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            for (name, token) in [("no token", nil), ("verify", s.verify), ("stamp", s.stamp)] as [(String, String?)] {
                let o = try await OracleAttacks.mask(Self.ask(client, token), vocabulary: Self.vocabulary, seed: 17)
                Self.report("mask, \(name)", o)
                #expect(o.stop == .refused("detect.inspect_required"), "\(name): \(o.stop)")
                #expect(o.queries == 1 && !o.forged, "\(name)")
                #expect(try Self.cliVerdict(o.text, home: s.home) != .watermarked, "\(name)")
            }
            // Positive control: the permission is what the attack needs.
            let o = try await OracleAttacks.mask(Self.ask(client, s.inspector), vocabulary: Self.vocabulary, seed: 17)
            Self.report("mask, inspect", o)
            #expect(o.forged, "the mask attack did not forge even with the mask: \(o.stop)")
            #expect(o.queries <= 200)
            #expect(try Self.cliVerdict(o.text, home: s.home) == .watermarked)
        }
    }

    @Test(
        "hill-climbing on what the caller sees: without inspect no score is shown below the threshold, the climb is a random walk, and the budget stops it before 1,000 queries; with an inspect token it forges (LeftHash h = 1, and the default gumbel-v1 h = 4)",
        arguments: [WatermarkScheme.leftHash, .default]
    )
    func scoreHillClimb(scheme: WatermarkScheme) async throws {
        // A fixed key: the walk (seed 29) is then the same every run. Under a fresh key each run, a
        // blind walk of about 800 texts would reach the watermarked region by chance about once in
        // 400 runs (LeftHash) or 160 (gumbel-v1, whose 4-token contexts redraw 5 scores a step):
        // the Q·α bound of docs/threat-model.md, which this test does not need to sample.
        let s = try Self.setup(scheme: scheme, secret: (0..<32).map { UInt8(truncatingIfNeeded: 0x5A &+ 37 &* $0) })
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let defaults = ScoringBudget.Policy.default
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            // 250-word texts (about 249 scored tokens a query): the budgets allow 50,000 / 249 ≈ 201
            // queries without a token and 200,000 / 249 ≈ 804 with a verify token, or a stamp token
            // asking /v1/certificates (below the threshold it gets 422 certificate.not_watermarked:
            // the verdict and the scored tokens, never the scores a certificate would sign).
            let climbs: [(String, String?, String, Int)] = [
                ("no token", nil, "/v1/detect", defaults.perAddress!), ("verify", s.verify, "/v1/detect", defaults.perToken!),
                ("stamp, /v1/certificates", s.stamp, "/v1/certificates", defaults.perToken!),
            ]
            for (name, token, path, allowance) in climbs {
                let o = try await OracleAttacks.hillClimb(Self.ask(client, token), path: path, vocabulary: Self.vocabulary, seed: 29, length: 250)
                Self.report("hill-climb, \(scheme.prf.rawValue), \(name)", o)
                guard case .budget(let retryAfter) = o.stop else {
                    Issue.record("\(name): the climb was not stopped by the budget: \(o.stop) after \(o.queries) queries")
                    continue
                }
                #expect(retryAfter >= 1)
                #expect(o.queries < 1_000, "\(name)")
                // Every admitted query was charged; the budget ran out within one query's charge of the allowance.
                #expect(o.charged >= allowance - 250 && o.charged < allowance + 250, "\(name): charged \(o.charged) of \(allowance)")
                #expect(try Self.cliVerdict(o.text, home: s.home) != .watermarked, "\(name)")
            }
            // Positive control: the z-score an inspector sees is a gradient.
            let o = try await OracleAttacks.hillClimb(Self.ask(client, s.inspector), vocabulary: Self.vocabulary, seed: 29, length: 60)
            Self.report("hill-climb, \(scheme.prf.rawValue), inspect", o)
            #expect(o.forged, "the hill-climb did not forge even with the z-score: \(o.stop)")
            #expect(try Self.cliVerdict(o.text, home: s.home) == .watermarked)
        }
    }

    @Test(
        "what each caller sees: the verdict view (scores only when watermarked) without inspect, everything with it; choosing colours, keys or span search needs inspect, on /v1/detect and /v1/certificates"
    )
    func views() async throws {
        let s = try Self.setup(budget: nil)
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let key = try KeyringStore(directory: s.home).load().primary().id
        let scoreFields = ["z_score", "p_value", "log10_p_value", "green_tokens", "green_fraction", "key_id", "p_value_single_key", "scheme"]
        try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client in
            // A watermarked text, forged through the admin's mask.
            let forged = try await OracleAttacks.mask(Self.ask(client, s.admin), vocabulary: Self.vocabulary, seed: 5)
            try #require(forged.forged)
            let human = String(repeating: ServerTests.human + " ", count: 2)
            for (name, token) in [("no token", nil), ("verify", s.verify), ("stamp", s.stamp)] as [(String, String?)] {
                let ask = Self.ask(client, token)
                var r = try await ask("/v1/detect", ["text": human])
                #expect(r.status == 200 && r.json["view"] as? String == "verdict" && r.verdict == "no_watermark", "\(name)")
                #expect(r.json["span_search"] as? Bool == true, "\(name): span search is always on without inspect")
                for field in scoreFields + ["span", "more_tokens_to_confirm", "mask"] {
                    #expect(r.json[field] == nil, "\(name): \(field) shown for an unwatermarked text")
                }
                #expect(r.tokensScored ?? 0 > 100 && r.json["keys_tried"] as? Int == 1, "\(name)")
                r = try await ask("/v1/detect", ["text": "Too short."])
                #expect(r.verdict == "too_short" && r.json["more_tokens_needed"] as? Int ?? 0 > 40 && r.zScore == nil, "\(name)")
                r = try await ask("/v1/detect", ["text": forged.text])
                #expect(r.watermarked && r.json["view"] as? String == "verdict", "\(name)")
                for field in scoreFields { #expect(r.json[field] != nil, "\(name): \(field) missing for a watermarked text") }
                #expect(r.json["mask"] == nil)
                for body in [["text": human, "include_mask": true], ["text": human, "key_id": key], ["text": human, "search_spans": false]]
                    as [[String: Any]]
                {
                    r = try await ask("/v1/detect", body)
                    #expect(r.status == 403 && r.errorCode == "detect.inspect_required", "\(name): \(body.keys.sorted())")
                    #expect(ErrorBody(r.json).message?.contains("inspect") == true)
                }
                r = try await ask("/v1/detect", ["text": human, "search_spans": true, "include_mask": false])
                #expect(r.status == 200, "\(name): asking for what is the default anyway is fine")
            }
            for (name, token) in [("inspect", s.inspector), ("admin", s.admin)] {
                let ask = Self.ask(client, token)
                var r = try await ask("/v1/detect", ["text": human, "include_mask": true, "key_id": key, "search_spans": false])
                #expect(r.status == 200 && r.json["view"] as? String == "inspect", "\(name)")
                #expect(r.json["span_search"] as? Bool == false && r.zScore != nil && (r.json["mask"] as? [Any])?.isEmpty == false, "\(name)")
                r = try await ask("/v1/detect", ["text": human])
                #expect(r.json["span_search"] as? Bool == true && r.zScore != nil, "\(name): span search by default, and the scores")
            }
            // /v1/certificates: the key is chosen only with inspect.
            var r = try await Self.ask(client, s.stamp)("/v1/certificates", ["text": human, "key_id": key])
            #expect(r.status == 403 && r.errorCode == "detect.inspect_required")
            r = try await Self.ask(client, s.admin)("/v1/certificates", ["text": human, "key_id": key])
            #expect(r.status == 201)
            // A certificate signs the scores: below the threshold only for inspectors. A stamp token
            // gets 422 with the verdict and the scored tokens, which every view shows, and nothing more.
            r = try await Self.ask(client, s.stamp)("/v1/certificates", ["text": human])
            #expect(r.status == 422 && r.errorCode == "certificate.not_watermarked")
            #expect(r.json.keys.sorted() == ["error"] && ErrorBody(r.json).message?.contains("verdict no_watermark") == true, "no scores")
            r = try await Self.ask(client, s.stamp)("/v1/certificates", ["text": "Too short."])
            #expect(r.status == 422 && ErrorBody(r.json).message?.contains("verdict too_short") == true)
            r = try await Self.ask(client, s.stamp)("/v1/certificates", ["text": forged.text])
            #expect(r.status == 201 && r.watermarked, "a watermarked text is certified for a stamp token")
            r = try await Self.ask(client, s.inspector)("/v1/certificates", ["text": human])
            #expect(r.status == 403, "inspect without stamp does not certify")
            let inspectingStamp = try s.services.registry.createToken(role: .stamp, permissions: [.inspect]).token
            r = try await Self.ask(client, inspectingStamp)("/v1/certificates", ["text": human])
            #expect(r.status == 201 && r.verdict == "no_watermark" && r.zScore != nil)
        }
    }

    /// The costs in docs/threat-model.md: `GREENMARK_ATTACK_RUNS=20 swift test --filter
    /// DetectionOracleTests/measure` runs each attack that many times (fresh tokens each, the
    /// shipped default budgets) and prints the median, minimum and maximum;
    /// `GREENMARK_ATTACK_SCHEME=selfhash` does it against a SelfHash (h = 4) key, `gumbel` against
    /// the default gumbel-v1 (h = 4) key.
    @Test(
        "measure the attacks' costs (GREENMARK_ATTACK_RUNS=n)",
        .enabled(if: ProcessInfo.processInfo.environment["GREENMARK_ATTACK_RUNS"] != nil))
    func measure() async throws {
        let runs = Int(ProcessInfo.processInfo.environment["GREENMARK_ATTACK_RUNS"] ?? "") ?? 5
        let schemes: [String: WatermarkScheme] = ["selfhash": .selfHash, "gumbel": .default]
        let s = try Self.setup(scheme: schemes[ProcessInfo.processInfo.environment["GREENMARK_ATTACK_SCHEME"] ?? ""] ?? .leftHash)
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let results = try await GreenmarkApplication.make(services: s.services, port: 0).test(.live) { client -> [String: [AttackOutcome]] in
            var results: [String: [AttackOutcome]] = [:]
            for run in 0..<runs {
                let seed = UInt64(1_000 + run)
                // A fresh token for every attack, so that no attack inherits another's spent budget.
                func token(_ role: Role, _ permissions: Set<Permission> = []) throws -> String {
                    try s.services.registry.createToken(role: role, permissions: permissions).token
                }
                let attacks: [(String, () async throws -> AttackOutcome)] = [
                    (
                        "mask (inspect token)",
                        {
                            try await OracleAttacks.mask(Self.ask(client, try token(.verify, [.inspect])), vocabulary: Self.vocabulary, seed: seed)
                        }
                    ),
                    (
                        "mask, 25 candidates a probe (inspect token)",
                        {
                            try await OracleAttacks.mask(
                                Self.ask(client, try token(.verify, [.inspect])), vocabulary: Self.vocabulary, seed: seed, candidates: 25)
                        }
                    ),
                    (
                        "z hill-climb, 60 words (inspect token)",
                        {
                            try await OracleAttacks.hillClimb(
                                Self.ask(client, try token(.verify, [.inspect])), vocabulary: Self.vocabulary, seed: seed, length: 60)
                        }
                    ),
                    (
                        "z hill-climb, 60 words, /v1/certificates (stamp token)",
                        {
                            try await OracleAttacks.hillClimb(
                                Self.ask(client, try token(.stamp)), path: "/v1/certificates", vocabulary: Self.vocabulary, seed: seed, length: 60)
                        }
                    ),
                    (
                        "verdict-only walk, 60 words (verify token)",
                        {
                            try await OracleAttacks.hillClimb(
                                Self.ask(client, try token(.verify)), vocabulary: Self.vocabulary, seed: seed, length: 60)
                        }
                    ),
                ]
                for (label, attack) in attacks {
                    let o = try await attack()
                    Self.report("\(label), run \(run)", o)
                    results[label, default: []].append(o)
                }
            }
            return results
        }
        for (label, outcomes) in results.sorted(by: { $0.key < $1.key }) {
            let q = outcomes.map(\.queries).sorted()
            let c = outcomes.map(\.charged).sorted()
            let t = outcomes.map(\.seconds).sorted()
            let forged = outcomes.filter(\.forged).count
            print(
                "MEASURE \(label): forged \(forged)/\(outcomes.count); queries median \(q[q.count / 2]) (\(q.first!)–\(q.last!)); scored tokens median \(c[c.count / 2]) (\(c.first!)–\(c.last!)); seconds median \(String(format: "%.2f", t[t.count / 2]))"
            )
        }
    }
}
