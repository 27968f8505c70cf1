import Configuration
import Foundation
import GreenmarkCore
import GreenmarkKeys
import GreenmarkServer
import GreenmarkStorage
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Budgets of scored tokens on the detection routes: the bucket arithmetic, 429 budget.exhausted
/// over real HTTP (per token and per address, on /v1/detect and /v1/certificates) with metrics
/// and one audit entry per episode, the settings, and the inspect permission from the CLI to the
/// daemon process.
@Suite("greenmarkd scoring budgets", .serialized)
struct ScoringBudgetTests {
    @Test("a request needs the minimum charge in the bucket, is charged its scored tokens (at least 50), may overdraw, and is told when to retry")
    func arithmetic() {
        let budget = ScoringBudget(policy: .init(perToken: 1_000, perAddress: 86_400))
        let t = ScoringBudget.Caller.token("tok-a")
        #expect(budget.admit(t) == .allowed)
        #expect(budget.charge(t, scored: 10) == 50)  // too_short texts cost the minimum
        #expect(budget.charge(t, scored: 900) == 900)
        #expect(budget.admit(t) == .allowed)  // 50 left (plus a trickle of refill)
        budget.charge(t, scored: 400)  // overdraws to about -350
        guard case .exhausted(let retryAfter, let first) = budget.admit(t) else {
            Issue.record("not refused")
            return
        }
        // (50 + 350) tokens at 1,000 a day: about 34,560 s.
        #expect(first && (34_000...35_000).contains(retryAfter), "\(retryAfter)")
        if case .exhausted(_, let again) = budget.admit(t) {
            #expect(!again, "a second refusal is not the first")
        } else {
            Issue.record("admitted in debt")
        }
        #expect(budget.admit(.token("tok-b")) == .allowed)  // its own bucket
        // Addresses have their own allowance; 86,400 a day refills 1 per second.
        let a = ScoringBudget.Caller.address("192.0.2.7")
        budget.charge(a, scored: 86_400)
        if case .exhausted(let s, true) = budget.admit(a) { #expect((49...51).contains(s)) } else { Issue.record("address not refused") }
        // Unlimited kinds.
        let open = ScoringBudget(policy: .init(perToken: nil, perAddress: 100))
        open.charge(t, scored: 1_000_000)
        #expect(open.admit(t) == .allowed && open.balance(t) == nil)
    }

    @Test("IPv4 addresses count as they are, IPv6 ones by their /64, IPv4-mapped IPv6 as IPv4")
    func addressKeys() {
        #expect(ScoringBudget.addressKey("203.0.113.9") == "203.0.113.9")
        #expect(ScoringBudget.addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64")
        #expect(ScoringBudget.addressKey("2001:db8:1:2::1") == ScoringBudget.addressKey("2001:db8:1:2:ffff::9"))
        #expect(ScoringBudget.addressKey("2001:db8:1:3::1") != ScoringBudget.addressKey("2001:db8:1:2::1"))
        #expect(ScoringBudget.addressKey("::ffff:198.51.100.4") == "198.51.100.4")
        #expect(ScoringBudget.addressKey("::1") == "0:0:0:0::/64")
        #expect(ScoringBudget.addressKey("/tmp/socket") == "/tmp/socket")
    }

    @Test(
        "over HTTP: 429 budget.exhausted with Retry-After once a token's or an address's scored tokens are used up, on /v1/detect and /v1/certificates; counted in /metrics; audited once per episode"
    )
    func overHTTP() async throws {
        MetricsBootstrap.once
        let s0 = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s0.home) }
        let registry = s0.services.registry
        let services = GreenmarkServices(
            home: s0.home, tokenizer: ServerTests.tokenizer, registry: registry, publicDetection: true,
            budget: .init(perToken: 1_000, perAddress: 400))
        let verify = try registry.createToken(role: .verify)
        let stamp = try registry.createToken(role: .stamp)
        let text = ServerTests.human  // about 115 scored tokens
        let scored = try Detector(tokenizer: ServerTests.tokenizer).detect(text, keys: KeyringStore(directory: s0.home).load().detectionKeys)
            .tokensScored
        @Sendable func headers(_ token: String?) -> HTTPFields {
            var h: HTTPFields = [.contentType: "application/json"]
            if let token { h[.authorization] = "Bearer \(token)" }
            return h
        }
        let body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["text": text]))
        try await GreenmarkApplication.make(services: services, port: 0).test(.live) { client in
            // A bucket admits while it holds 50: 1,000 → ceil((1000 - 50 + 1) / scored) requests.
            let expected = (1_000 - ScoringBudget.minimumCharge) / scored + 1
            var admitted = 0
            while admitted < 100 {
                let status = try await client.execute(uri: "/v1/detect", method: .post, headers: headers(verify.token), body: body) { $0.status }
                if status != .ok { break }
                admitted += 1
            }
            #expect(admitted == expected, "\(admitted) admitted, \(scored) scored tokens each")
            for _ in 0..<2 {
                try await client.execute(uri: "/v1/detect", method: .post, headers: headers(verify.token), body: body) { r in
                    #expect(r.status == .tooManyRequests)
                    #expect((Int(r.headers[.retryAfter] ?? "") ?? 0) >= 1)
                    let error = ErrorBody(r.body)
                    #expect(error.code == "budget.exhausted")
                    #expect(error.message?.contains("1000 tokens a day") == true)
                }
            }
            // The certificate route scores too: a stamp token's budget runs out there the same way (the
            // text is below the threshold, so each answer is 422 certificate.not_watermarked, charged all the same).
            var issued = 0
            while issued < 100 {
                let status = try await client.execute(uri: "/v1/certificates", method: .post, headers: headers(stamp.token), body: body) { $0.status }
                if status != .unprocessableContent {
                    #expect(status == .tooManyRequests)
                    break
                }
                issued += 1
            }
            #expect(issued == expected)
            // Without a token: the client address's smaller budget; a token is unaffected by it.
            var anonymous = 0
            while anonymous < 100 {
                let status = try await client.execute(uri: "/v1/detect", method: .post, headers: headers(nil), body: body) { $0.status }
                if status != .ok {
                    #expect(status == .tooManyRequests)
                    break
                }
                anonymous += 1
            }
            #expect(anonymous == (400 - ScoringBudget.minimumCharge) / scored + 1)
            try await client.execute(uri: "/v1/detect", method: .post, headers: headers(s0.reader), body: body) { #expect($0.status == .ok) }
            // Bad requests cost nothing and are still answered as such.
            try await client.execute(uri: "/v1/detect", method: .post, headers: headers(s0.reader), body: ByteBuffer(string: "{")) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let metrics = String(buffer: r.body)
                #expect(metrics.contains("greenmark_budget_exhausted_total{caller=\"token\"}"))
                #expect(metrics.contains("greenmark_budget_exhausted_total{caller=\"address\"}"))
                let charged = metrics.split(separator: "\n").first { $0.hasPrefix("greenmark_scored_tokens_charged_total ") }
                #expect(Int(charged?.split(separator: " ").last ?? "0") ?? 0 >= (expected * 2 + anonymous) * scored)
            }
        }
        // One audit entry per caller and episode, naming the caller and the route; never the token.
        let entries = try registry.auditLog().filter { $0.action == "budget.exhausted" }
        #expect(Set(entries.map(\.actor)) == ["token:\(verify.id)", "token:\(stamp.id)", "address:127.0.0.1"], "\(entries)")
        #expect(entries.count == 3)
        #expect(entries.contains { $0.detail.hasPrefix("/v1/certificates:") })
        #expect(!entries.contains { $0.detail.contains(verify.token) })
    }

    @Test("token_budget and address_budget: defaults, command line, environment, file; out of range refused")
    func settings() async throws {
        let defaults = try await DaemonConfiguration.load(environment: [:])
        #expect(defaults.budgetPolicy == ScoringBudget.Policy.default)
        #expect(defaults.tokenBudget == 200_000 && defaults.addressBudget == 50_000)
        let set = try await DaemonConfiguration.load(
            arguments: [.tokenBudget: ConfigValue(.int(5_000), isSecret: false)],
            environment: ["GREENMARK_ADDRESS_BUDGET": "0"])
        #expect(set.budgetPolicy == ScoringBudget.Policy(perToken: 5_000, perAddress: nil))
        let off = try await DaemonConfiguration.load(environment: ["GREENMARK_TOKEN_BUDGET": "0", "GREENMARK_ADDRESS_BUDGET": "0"])
        #expect(off.budgetPolicy == nil)
        for (key, value) in [("GREENMARK_TOKEN_BUDGET", "49"), ("GREENMARK_ADDRESS_BUDGET", "-1")] {
            await #expect(throws: DaemonConfigurationError.self, "\(key)=\(value)") {
                _ = try await DaemonConfiguration.load(environment: [key: value])
            }
            do {
                _ = try await DaemonConfiguration.load(environment: [key: value])
            } catch {
                #expect(error.code == .outOfRange && error.reason.contains("at least 50"), "\(error.reason)")
            }
        }
        do {
            _ = try await DaemonConfiguration.load(environment: ["GREENMARK_TOKEN_BUDGET": "lots"])
            Issue.record("a non-number was accepted")
        } catch {
            #expect(error.code == .invalidValue)
        }
    }

    @Test(
        "the daemon process: --token-budget applies; a token made with `greenmark tokens create --inspect` inspects, one without does not; tokens list shows it"
    )
    func daemonProcess() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        func cli(_ arguments: [String]) throws -> String {
            let p = Process()
            p.executableURL = DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("greenmark")
            p.arguments = arguments + ["--home", s.home]
            p.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GREENMARK_") }
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "greenmark \(arguments)")
            return String(decoding: data, as: UTF8.self)
        }
        func token(_ output: String) -> String {
            output.split(separator: "\n").first { $0.hasPrefix("token:") }.map { String($0.split(separator: " ").last ?? "") } ?? ""
        }
        let inspector = token(try cli(["tokens", "create", "--role", "verify", "--inspect"]))
        let plain = token(try cli(["tokens", "create", "--role", "verify"]))
        let list = try cli(["tokens", "list"])
        // The set-up's stamp token has inspect too (it certifies unwatermarked texts); of the two verify tokens, one.
        #expect(list.split(separator: "\n").filter { $0.contains("verify") && $0.contains("+inspect") }.count == 1, "\(list)")
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: ["serve", "--home", s.home, "--port", String(port), "--no-generation", "--token-budget", "300"],
            environment: [:], port: port)
        #expect(await daemon.waitUntilReady(timeout: .seconds(300)), "greenmarkd did not start: \(daemon.log)")
        let url = daemon.baseURL + "/v1/detect"
        var (status, body) = try await HTTP.request("POST", url, token: inspector, json: ["text": ServerTests.human, "include_mask": true])
        #expect(status == 200 && (body["mask"] as? [Any])?.isEmpty == false && body["view"] as? String == "inspect")
        (status, body) = try await HTTP.request("POST", url, token: plain, json: ["text": ServerTests.human, "include_mask": true])
        #expect(status == 403 && ErrorBody(body).code == "detect.inspect_required")
        // 300 scored tokens a day for this token (the refused request cost nothing): (300 - 50) / T + 1
        // requests of T scored tokens, then 429.
        let scored = try Detector(tokenizer: ServerTests.tokenizer).detect(
            ServerTests.human, keys: KeyringStore(directory: s.home).load().detectionKeys
        ).tokensScored
        for expected in Array(repeating: 200, count: (300 - 50) / scored + 1) + [429] {
            (status, body) = try await HTTP.request("POST", url, token: plain, json: ["text": ServerTests.human])
            #expect(status == expected, "\(body)")
        }
        #expect(ErrorBody(body).code == "budget.exhausted")
        #expect(daemon.log.contains("detection budget exhausted"))
        daemon.terminate()
        #expect(await daemon.waitForExit() == 0)
    }
}
