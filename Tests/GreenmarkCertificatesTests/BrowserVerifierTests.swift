import Foundation
import GreenmarkCertificates
import GreenmarkCrypto
import Testing

/// `certs/verify.html`, the offline certificate checker, run in a real headless Chromium: a
/// harness page (verify.html with a test script appended) calls `window.GreenmarkVerify` and
/// writes its results into `<pre id="result">`, which `chromium --dump-dom` prints.
///
/// Chromium is `/usr/bin/chromium` (installed by `scripts/bootstrap.sh`). A missing browser fails
/// these tests, except locally with `GREENMARK_SKIP_BROWSER=1` (never when `CI` is set).
@Suite("Browser verifier (certs/verify.html in headless Chromium)", .serialized, .enabled(if: Browser.shouldRun))
struct BrowserVerifierTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let page = repo.appendingPathComponent("certs/verify.html")
    static let examples = repo.appendingPathComponent("certs/examples")
    /// The conformance suite in the source tree (the test bundle holds a copy made at build time).
    static let conformanceRoot = repo.appendingPathComponent("Tests/GreenmarkCertificatesTests/Fixtures/conformance")
    /// The check list of every valid certificate checked with a text (docs/certificate-format.md, "Verification").
    static let validChecks = [
        "trust.valid", "format.valid", "header.valid", "key.trusted", "signature.valid", "statement.valid", "key.valid", "text.digest.match",
    ]

    // MARK: - (a) the conformance suite

    /// Every case directory (one with an expected.json), sorted.
    static var caseNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: conformanceRoot.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: conformanceRoot.appendingPathComponent("\($0)/expected.json").path) }.sorted()
    }

    /// What a case expects: `expected.json`, as `ConformanceTests` reads it.
    typealias Expected = ConformanceTests.Expected

    /// The files of one case: certificate.json, text.txt, trust.json (the pin), every
    /// trust-update-N.json (numbered only to list them; their order does not matter), expected.json.
    struct ConformanceFiles {
        let certificate: Data, text: Data?, trust: Data, updates: [Data], expected: Expected

        init(name: String) throws {
            let dir = BrowserVerifierTests.conformanceRoot.appendingPathComponent(name)
            certificate = try Data(contentsOf: dir.appendingPathComponent("certificate.json"))
            let textFile = dir.appendingPathComponent("text.txt")
            text = FileManager.default.fileExists(atPath: textFile.path) ? try Data(contentsOf: textFile) : nil
            trust = try Data(contentsOf: dir.appendingPathComponent("trust.json"))
            func number(_ file: String) -> Int { Int(file.dropFirst("trust-update-".count).dropLast(".json".count)) ?? Int.max }
            let updateFiles = try FileManager.default.contentsOfDirectory(atPath: dir.path)
                .filter { $0.hasPrefix("trust-update-") && $0.hasSuffix(".json") }
                .sorted { (number($0), $0) < (number($1), $1) }
            updates = try updateFiles.map { try Data(contentsOf: dir.appendingPathComponent($0)) }
            expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        }

        /// The case's verification time (expected.json `at`).
        var at: Date { Timestamp.parse(expected.at) ?? Date() }
    }

    /// The Swift verifier combined as `greenmark verify` does (the trust check, then the
    /// certificate checks), as "ok CODE" / "FAIL CODE" lines.
    static func swiftVerify(certificate: Data, text: Data?, trust: Data, updates: [Data], minimumVersion: Int?, at: Date) -> (
        valid: Bool, checks: [String]
    ) {
        let loaded = TrustAnchor.load(pinned: Array(trust), updates: updates.map { Array($0) }, minimumVersion: minimumVersion, at: at)
        var checks = loaded.checks.map { "\($0.passed ? "ok" : "FAIL") \($0.code)" }
        var valid = false
        if let anchor = loaded.anchor {
            let report = CertificateVerifier(anchor: anchor).verify(certificate: Array(certificate), text: text.map { Array($0) }, at: at)
            checks += report.checks.map { "\($0.passed ? "ok" : "FAIL") \($0.code)" }
            valid = report.status == .valid
        }
        return (valid, checks)
    }

    static func json(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed]), as: UTF8.self)
    }

    /// JS that turns base64 (or null) into bytes (or null).
    static let bytesJS = "const b = (s) => s === null ? null : Uint8Array.from(atob(s), (c) => c.charCodeAt(0));\n"

    /// One harness run verifies every case (a Chromium start costs more than all cases together),
    /// each as of its `at` and with its `min_trust_version`.
    static let conformanceRun = Task { () throws -> [String: Browser.Report] in
        var cases: [[String: Any]] = []
        for name in caseNames {
            let f = try ConformanceFiles(name: name)
            cases.append([
                "name": name, "certificate": f.certificate.base64EncodedString(), "text": f.text?.base64EncodedString() ?? NSNull(),
                "trust": f.trust.base64EncodedString(), "updates": f.updates.map { $0.base64EncodedString() },
                "at": f.expected.at ?? NSNull(), "min": f.expected.minTrustVersion ?? NSNull(),
            ])
        }
        let output = try Browser.run(
            harness: bytesJS + """
                const out = {};
                for (const c of \(try json(cases))) {
                  try {
                    out[c.name] = await GreenmarkVerify.verify({certificate: b(c.certificate), text: b(c.text), trust: b(c.trust),
                                                                updates: c.updates.map(b), minTrustVersion: c.min, at: c.at});
                  } catch (e) { out[c.name] = {valid: false, checks: [], error: String(e && e.message || e)}; }
                }
                return out;
                """)
        return try JSONDecoder().decode([String: Browser.Report].self, from: output)
    }

    @Test("every conformance case: the page's status and full check list equal expected.json's and the Swift verifier's", arguments: caseNames)
    func conformance(name: String) async throws {
        let results = try await Self.conformanceRun.value
        let browser = try #require(results[name], "\(name): no browser result")
        let files = try ConformanceFiles(name: name)
        let expected = files.expected
        let page = browser.checks.map(\.code)

        #expect(browser.error == nil, "\(name): the page threw: \(browser.error ?? "")")
        #expect(browser.valid == (expected.status == "valid"), "\(name): expected \(expected.status), page \(browser.summary)")
        #expect(page == expected.checks, "\(name): page \(page), expected \(expected.checks)")
        // Every check passes but a failing last one, which is exactly the expected code.
        let passedBeforeLast = browser.checks.dropLast().allSatisfy { $0.ok }
        #expect(passedBeforeLast, "\(name): \(browser.summary)")
        #expect(browser.failures == (expected.code.map { [$0] } ?? []), "\(name): expected \(expected.code ?? "no failure"), page \(browser.summary)")
        #expect((browser.subject != nil) == browser.valid, "\(name): a subject is shown exactly when valid")

        // The Swift verifier, as of the same time.
        let swift = Self.swiftVerify(
            certificate: files.certificate, text: files.text, trust: files.trust, updates: files.updates,
            minimumVersion: expected.minTrustVersion, at: files.at)
        #expect(browser.valid == swift.valid, "\(name): page \(browser.valid), Swift \(swift.valid)")
        #expect(browser.checks.map(\.outcome) == swift.checks, "\(name): page \(browser.checks.map(\.outcome)), Swift \(swift.checks)")
    }

    @Test("the browser run covered the whole suite")
    func conformanceCoverage() async throws {
        let results = try await Self.conformanceRun.value
        #expect(Set(results.keys) == Set(Self.caseNames))
        #expect(results.count >= 80)
    }

    /// Deterministic mutants of the conformance inputs (byte edits of the certificate, the text and
    /// the trust files, base64url edits, altered protected headers): the browser must run exactly the
    /// checks the Swift verifier runs, beyond the hand-written cases.
    @Test("300 mutated inputs: the browser runs the same checks as the Swift verifier")
    func differentialMutants() throws {
        var rng = SplitMix64(seed: 0x6772_6565_6e6d_6b)
        let names = Self.caseNames
        try #require(!names.isEmpty)
        struct Input { let certificate: Data, text: Data?, trust: Data, updates: [Data], at: Date, atString: String?, min: Int? }
        var inputs: [Input] = []
        for _ in 0..<300 {
            let base = try ConformanceFiles(name: names[Int(rng.next() % UInt64(names.count))])
            var certificate = base.certificate
            var text = base.text
            var trust = base.trust
            var updates = base.updates
            switch rng.next() % 6 {
            case 0: certificate = rng.mutate(certificate)
            case 1: text = rng.mutate(text ?? Data())
            case 2: trust = rng.mutate(trust)
            case 3:
                // Edit one trust update, or drop one.
                if !updates.isEmpty {
                    let i = Int(rng.next() % UInt64(updates.count))
                    if rng.next() % 3 == 0 { updates.remove(at: i) } else { updates[i] = rng.mutate(updates[i]) }
                } else {
                    trust = rng.mutate(trust)
                }
            case 4:
                // Edit one base64url field of the certificate.
                if var object = try? JSONSerialization.jsonObject(with: certificate) as? [String: Any] {
                    let field = ["protected", "payload", "signature"][Int(rng.next() % 3)]
                    var chars = Array((object[field] as? String) ?? "")
                    let edits: [String] = ["A", "_", "-", "=", "+", "/", " ", "é"]
                    let i = chars.isEmpty ? 0 : Int(rng.next() % UInt64(chars.count))
                    if rng.next() % 2 == 0 || chars.isEmpty {
                        chars.insert(contentsOf: edits[Int(rng.next() % 8)], at: i)
                    } else {
                        chars.remove(at: i)
                    }
                    object[field] = String(chars)
                    certificate = (try? JSONSerialization.data(withJSONObject: object)) ?? certificate
                }
            default:
                // Replace the protected header by a variant (unsigned, so at best signature.invalid).
                if var object = try? JSONSerialization.jsonObject(with: certificate) as? [String: Any],
                    let protected = object["protected"] as? String, let header = try? Self.base64URLDecode(protected),
                    var h = try? JSONSerialization.jsonObject(with: header) as? [String: Any]
                {
                    let key = ["alg", "typ", "kid", "crit", "b64", "x"][Int(rng.next() % 6)]
                    let values: [Any?] = [nil, NSNull(), "EdDSA", "none", "", 1, [String](), false, SignedCertificate.type]
                    h[key] = values[Int(rng.next() % UInt64(values.count))]
                    if let data = try? JSONSerialization.data(withJSONObject: h, options: [.sortedKeys]) {
                        object["protected"] = Base64URL.encode(data)
                        certificate = (try? JSONSerialization.data(withJSONObject: object)) ?? certificate
                    }
                }
            }
            inputs.append(
                Input(
                    certificate: certificate, text: text, trust: trust, updates: updates, at: base.at,
                    atString: base.expected.at, min: base.expected.minTrustVersion))
        }
        let payload: [[String: Any]] = inputs.map {
            [
                "certificate": $0.certificate.base64EncodedString(), "text": $0.text?.base64EncodedString() ?? NSNull(),
                "trust": $0.trust.base64EncodedString(),
                "updates": $0.updates.map { $0.base64EncodedString() }, "at": $0.atString ?? Timestamp.format($0.at), "min": $0.min ?? NSNull(),
            ]
        }
        let output = try Browser.run(
            harness: Self.bytesJS + """
                const out = [];
                for (const c of \(try Self.json(payload))) {
                  const x = await GreenmarkVerify.verify({certificate: b(c.certificate), text: b(c.text), trust: b(c.trust), updates: c.updates.map(b),
                                                          minTrustVersion: c.min, at: c.at});
                  out.push(x.checks.map((k) => (k.ok ? "ok " : "FAIL ") + k.code));
                }
                return out;
                """)
        let browser = try JSONDecoder().decode([[String]].self, from: output)
        try #require(browser.count == inputs.count)
        var outcomes = Set<String>()
        for (i, input) in inputs.enumerated() {
            let swift = Self.swiftVerify(
                certificate: input.certificate, text: input.text, trust: input.trust, updates: input.updates,
                minimumVersion: input.min, at: input.at
            ).checks
            #expect(browser[i] == swift, "mutant \(i): page \(browser[i]), Swift \(swift)")
            outcomes.insert(swift.first { $0.hasPrefix("FAIL") } ?? "valid")
        }
        #expect(outcomes.count >= 8, "the mutants should reach many different checks: \(outcomes.sorted())")
    }

    static func base64URLDecode(_ s: String) throws -> Data {
        var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while t.count % 4 != 0 { t += "=" }
        guard let d = Data(base64Encoded: t) else { throw Browser.Failure(description: "bad base64url") }
        return d
    }
}
