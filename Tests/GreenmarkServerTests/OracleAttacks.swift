import Foundation
import GreenmarkCore
import GreenmarkModel

/// Spoofing attacks on the detection API, written as an attacker would: they know the public
/// tokenizer (the model is public) and see only what the daemon answers. Used by
/// `DetectionOracleTests` (the regression test) and to measure the costs in
/// docs/threat-model.md.

/// One answer of the daemon, as the attacker sees it.
struct OracleReply {
    let status: Int
    let json: [String: Any]
    let retryAfter: Int?

    var errorCode: String? { ErrorBody(json).code }
    /// The detection result: the body of `/v1/detect`, or the `detection` of `/v1/certificates`.
    var detection: [String: Any] { json["detection"] as? [String: Any] ?? json }
    var verdict: String? { detection["verdict"] as? String }
    var watermarked: Bool { verdict == "watermarked" }
    var zScore: Double? { detection["z_score"] as? Double }
    var tokensScored: Int? { detection["tokens_scored"] as? Int }
}

/// Sends one JSON body to a path of the daemon as some caller.
typealias OracleAsk = (_ path: String, _ body: [String: Any]) async throws -> OracleReply

/// Why an attack stopped.
enum AttackStop: Equatable, CustomStringConvertible {
    /// It produced a text the daemon calls watermarked.
    case forged
    /// The daemon refused the attack's requests (403 with this code).
    case refused(String)
    /// The caller's budget ran out (429 budget.exhausted).
    case budget(retryAfter: Int)
    /// Another error answer.
    case failed(Int, String)
    /// The query limit was reached.
    case queryLimit

    var description: String {
        switch self {
        case .forged: "forged"
        case .refused(let code): "refused (\(code))"
        case .budget(let s): "budget exhausted (Retry-After \(s) s)"
        case .failed(let status, let code): "failed (\(status) \(code))"
        case .queryLimit: "query limit"
        }
    }
}

/// What an attack achieved and what it cost.
struct AttackOutcome {
    var queries = 0
    /// Scored tokens the daemon charged (each answered request: its scored tokens, at least 50).
    var charged = 0
    var stop: AttackStop = .queryLimit
    /// The attack's final text (the forgery when `stop == .forged`).
    var text = ""
    var seconds = 0.0

    var forged: Bool { stop == .forged }

    mutating func count(_ reply: OracleReply) {
        queries += 1
        if reply.status == 200 || reply.status == 201, let t = reply.tokensScored { charged += max(t, 50) }
        // 422 certificate.not_watermarked names the scored tokens (charged too) in its message.
        if reply.errorCode == "certificate.not_watermarked", let message = ErrorBody(reply.json).message,
            let match = message.firstMatch(of: /(\d+) tokens scored/), let t = Int(match.1)
        {
            charged += max(t, 50)
        }
    }

    /// Classifies an answer that is not a success; nil when the attack may go on.
    static func stop(for reply: OracleReply) -> AttackStop? {
        switch reply.status {
        // A stamp token's certificate request for a text below the threshold: the verdict only, go on.
        case 200, 201: nil
        case 422 where reply.errorCode == "certificate.not_watermarked": nil
        case 429 where reply.errorCode == "budget.exhausted": .budget(retryAfter: reply.retryAfter ?? 0)
        case 401, 403: .refused(reply.errorCode ?? "?")
        default: .failed(reply.status, reply.errorCode ?? "?")
        }
    }
}

/// Words the attacker strings together: lower-case ASCII words that the public tokenizer turns,
/// with their leading space, into exactly one token each.
struct AttackVocabulary {
    let words: [String]
    let ids: [UInt32]
    let index: [UInt32: Int]

    init(tokenizer: LlamaTokenizer, limit: Int = 6_000) throws {
        var words: [String] = []
        var ids: [UInt32] = []
        for id in 0..<UInt32(tokenizer.vocabularySize) where words.count < limit {
            let piece = tokenizer.pieceBytes(of: id)
            // " word": a space then 3 to 9 lower-case letters (GPT-2 style pieces carry the space).
            guard (4...10).contains(piece.count), piece[0] == 0x20, piece.dropFirst().allSatisfy({ (0x61...0x7A).contains($0) }) else { continue }
            let word = String(decoding: piece.dropFirst(), as: UTF8.self)
            guard try tokenizer.tokenize(" " + word) == [id] else { continue }
            words.append(word)
            ids.append(id)
        }
        self.words = words
        self.ids = ids
        index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
    }

    /// The text of a word sequence: " w1 w2 w3 …", one token per word.
    func text(_ sequence: [Int]) -> String { sequence.map { " " + words[$0] }.joined() }
}

/// A small deterministic generator, so an attack run can be repeated.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum OracleAttacks {
    /// The mask attack of issue #17: with LeftHash h = 1 the colour of a token depends only on
    /// the token before it, so one query " c w1 c w2 … c w200" with `include_mask` shows which of
    /// 200 candidate words are green after c. Each query extends a chain of green pairs by one
    /// word; once the chain has `length` scored tokens it is sent (without the mask) as the forgery.
    static func mask(
        _ ask: OracleAsk, vocabulary v: AttackVocabulary, seed: UInt64, length: Int = 55,
        candidates: Int = 200, maxQueries: Int = 1_000
    ) async throws -> AttackOutcome {
        let started = ContinuousClock.now
        var rng = SplitMix64(seed: seed)
        var outcome = AttackOutcome()
        var chain = [Int.random(in: 0..<v.words.count, using: &rng)]
        var used: Set<Int> = [chain[0]]
        func finish(_ stop: AttackStop) -> AttackOutcome {
            outcome.stop = stop
            outcome.text = v.text(chain)
            outcome.seconds = seconds(since: started)
            return outcome
        }
        while outcome.queries < maxQueries {
            if chain.count > length {
                let reply = try await ask("/v1/detect", ["text": v.text(chain)])
                outcome.count(reply)
                if let stop = AttackOutcome.stop(for: reply) { return finish(stop) }
                if reply.watermarked { return finish(.forged) }
                chain.removeLast(chain.count / 4)  // not enough: drop the tail and grow again
                continue
            }
            let c = chain.last!
            var pool: [Int] = []
            while pool.count < candidates {
                let w = Int.random(in: 0..<v.words.count, using: &rng)
                if !used.contains(w) && !pool.contains(w) { pool.append(w) }
            }
            let probe = pool.map { " " + v.words[c] + " " + v.words[$0] }.joined()
            let reply = try await ask("/v1/detect", ["text": probe, "include_mask": true])
            outcome.count(reply)
            if let stop = AttackOutcome.stop(for: reply) { return finish(stop) }
            guard let mask = reply.json["mask"] as? [[String: Any]] else { return finish(.refused("no mask in the answer")) }
            let cID = v.ids[c]
            var next: Int?
            for i in 1..<mask.count {
                guard (mask[i - 1]["id"] as? Int).map(UInt32.init) == cID, let id = (mask[i]["id"] as? Int).map(UInt32.init),
                    let w = v.index[id], !used.contains(w), mask[i]["scored"] as? Bool == true, mask[i]["green"] as? Bool == true
                else { continue }
                next = w
                break
            }
            if let next {
                chain.append(next)
                used.insert(next)
            }
        }
        return finish(.queryLimit)
    }

    /// Hill-climbing on the score alone: change one word of a `length`-word text at random and
    /// keep the change when the score the caller sees (the z-score when it is shown; else only
    /// the verdict) does not go down. Without a score below the threshold every answer is the
    /// same, so this is a random walk: a random search. `path` is `/v1/detect` or
    /// `/v1/certificates` (whose signed statement carries the counts).
    static func hillClimb(
        _ ask: OracleAsk, path: String = "/v1/detect", vocabulary v: AttackVocabulary, seed: UInt64,
        length: Int, maxQueries: Int = 1_000
    ) async throws -> AttackOutcome {
        let started = ContinuousClock.now
        var rng = SplitMix64(seed: seed)
        var outcome = AttackOutcome()
        var words = (0..<length).map { _ in Int.random(in: 0..<v.words.count, using: &rng) }
        func finish(_ stop: AttackStop) -> AttackOutcome {
            outcome.stop = stop
            outcome.text = v.text(words)
            outcome.seconds = seconds(since: started)
            return outcome
        }
        func score(_ reply: OracleReply) -> Double { reply.zScore ?? (reply.watermarked ? .infinity : 0) }
        var reply = try await ask(path, ["text": v.text(words)])
        outcome.count(reply)
        if let stop = AttackOutcome.stop(for: reply) { return finish(stop) }
        if reply.watermarked { return finish(.forged) }
        var best = score(reply)
        while outcome.queries < maxQueries {
            let i = Int.random(in: 0..<length, using: &rng)
            let old = words[i]
            words[i] = Int.random(in: 0..<v.words.count, using: &rng)
            reply = try await ask(path, ["text": v.text(words)])
            outcome.count(reply)
            if let stop = AttackOutcome.stop(for: reply) {
                words[i] = old
                return finish(stop)
            }
            if reply.watermarked { return finish(.forged) }
            let s = score(reply)
            if s >= best { best = s } else { words[i] = old }
        }
        return finish(.queryLimit)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let c = (ContinuousClock.now - start).components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
