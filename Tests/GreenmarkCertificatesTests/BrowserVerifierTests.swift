import Foundation
import GreenmarkCertificates
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

    // MARK: - (a) the conformance suite

    /// One harness run verifies every case (a Chromium start costs more than all 80 cases together).
    static let conformanceRun = Task { () throws -> [String: Browser.Report] in
        var cases: [[String: Any]] = []
        for name in ConformanceTests.caseNames {
            let files = try ConformanceFiles(name: name)
            cases.append(["name": name, "certificate": files.certificate.base64EncodedString(), "text": files.text.base64EncodedString(),
                          "trust": files.trust.base64EncodedString(), "updates": files.updates.map { $0.base64EncodedString() }])
        }
        let casesJSON = String(decoding: try JSONSerialization.data(withJSONObject: cases), as: UTF8.self)
        let output = try Browser.run(harness: """
            const b = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
            const out = {};
            for (const c of \(casesJSON)) {
              out[c.name] = await GreenmarkVerify.verify({certificate: b(c.certificate), text: b(c.text), trust: b(c.trust), updates: c.updates.map(b)});
            }
            return out;
            """)
        return try JSONDecoder().decode([String: Browser.Report].self, from: output)
    }

    /// The conformance files of one case, read as ConformanceTests reads them.
    struct ConformanceFiles {
        let certificate: Data, text: Data, trust: Data, updates: [Data]

        init(name: String) throws {
            let dir = ConformanceTests.root.appendingPathComponent(name)
            certificate = try Data(contentsOf: dir.appendingPathComponent("certificate.json"))
            text = try Data(contentsOf: dir.appendingPathComponent("text.txt"))
            trust = try Data(contentsOf: dir.appendingPathComponent("trust.json"))
            var updates: [Data] = []
            var n = 1
            while FileManager.default.fileExists(atPath: dir.appendingPathComponent("trust-update-\(n).json").path) {
                updates.append(try Data(contentsOf: dir.appendingPathComponent("trust-update-\(n).json")))
                n += 1
            }
            self.updates = updates
        }
    }

    @Test("every conformance case: same status, expected code and the same checks as the Swift verifier", arguments: ConformanceTests.caseNames)
    func conformance(name: String) async throws {
        let results = try await Self.conformanceRun.value
        let browser = try #require(results[name], "\(name): no browser result")

        // The Swift verifier, combined as `greenmark verify` does (trust checks, then certificate checks).
        let files = try ConformanceFiles(name: name)
        let loaded = TrustAnchor.load(pinned: Array(files.trust), updates: files.updates.map { Array($0) })
        var swiftChecks = loaded.checks
        var swiftValid = false
        if let anchor = loaded.anchor {
            let report = CertificateVerifier(anchor: anchor).verify(certificate: Array(files.certificate), text: Array(files.text))
            swiftChecks += report.checks
            swiftValid = report.status == .valid
        }
        let expected = try JSONDecoder().decode(ConformanceTests.Expected.self,
                                                from: Data(contentsOf: ConformanceTests.root.appendingPathComponent("\(name)/expected.json")))

        #expect(browser.valid == (expected.status == "valid"), "\(name): \(browser.summary)")
        #expect(browser.valid == swiftValid, "\(name): browser \(browser.valid), Swift \(swiftValid)")
        if let code = expected.code {
            #expect(browser.failures.contains(code), "\(name): expected \(code), got \(browser.summary)")
        } else {
            #expect(browser.failures.isEmpty, "\(name): \(browser.summary)")
        }
        #expect(browser.checks.map(\.outcome) == swiftChecks.map { "\($0.passed ? "ok" : "FAIL") \($0.code)" },
                "\(name): browser and Swift ran different checks")
        #expect((browser.subject != nil) == browser.valid, "\(name): a subject is shown exactly when valid")
    }

    @Test("the browser run covered the whole suite")
    func conformanceCoverage() async throws {
        let results = try await Self.conformanceRun.value
        #expect(Set(results.keys) == Set(ConformanceTests.caseNames))
        #expect(results.count >= 80)
    }

    /// Deterministic mutants of the conformance inputs (byte edits of the certificate, the text and
    /// the trust file, base64url edits, altered protected headers): the browser must run exactly the
    /// checks the Swift verifier runs, beyond the hand-written cases.
    @Test("300 mutated inputs: the browser runs the same checks as the Swift verifier")
    func differentialMutants() throws {
        var rng = SplitMix64(seed: 0x6772_6565_6e6d_6b)
        let names = ConformanceTests.caseNames
        var inputs: [(certificate: Data, text: Data, trust: Data, updates: [Data])] = []
        for _ in 0..<300 {
            let base = try ConformanceFiles(name: names[Int(rng.next() % UInt64(names.count))])
            var certificate = base.certificate, text = base.text, trust = base.trust
            switch rng.next() % 5 {
            case 0: certificate = rng.mutate(certificate)
            case 1: text = rng.mutate(text)
            case 2: trust = rng.mutate(trust)
            case 3:
                // Edit one base64url field of the certificate.
                if var object = try? JSONSerialization.jsonObject(with: certificate) as? [String: Any] {
                    let field = ["protected", "payload", "signature"][Int(rng.next() % 3)]
                    var chars = Array((object[field] as? String) ?? "")
                    let edits: [String] = ["A", "_", "-", "=", "+", "/", " ", "é"]
                    let i = chars.isEmpty ? 0 : Int(rng.next() % UInt64(chars.count))
                    if rng.next() % 2 == 0 || chars.isEmpty { chars.insert(contentsOf: edits[Int(rng.next() % 8)], at: i) } else { chars.remove(at: i) }
                    object[field] = String(chars)
                    certificate = (try? JSONSerialization.data(withJSONObject: object)) ?? certificate
                }
            default:
                // Replace the protected header by a variant (unsigned, so at best signature.invalid).
                if var object = try? JSONSerialization.jsonObject(with: certificate) as? [String: Any],
                   let protected = object["protected"] as? String, let header = try? Self.base64URLDecode(protected),
                   var h = try? JSONSerialization.jsonObject(with: header) as? [String: Any] {
                    let key = ["alg", "typ", "kid", "crit", "b64", "x"][Int(rng.next() % 6)]
                    let values: [Any?] = [nil, NSNull(), "EdDSA", "none", "", 1, [String](), false, SignedCertificate.type]
                    h[key] = values[Int(rng.next() % UInt64(values.count))]
                    if let data = try? JSONSerialization.data(withJSONObject: h, options: [.sortedKeys]) {
                        object["protected"] = data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
                        certificate = (try? JSONSerialization.data(withJSONObject: object)) ?? certificate
                    }
                }
            }
            inputs.append((certificate, text, trust, base.updates))
        }
        let payload = inputs.map { [$0.certificate.base64EncodedString(), $0.text.base64EncodedString(), $0.trust.base64EncodedString()] + $0.updates.map { $0.base64EncodedString() } }
        let output = try Browser.run(harness: """
            const b = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
            const out = [];
            for (const [c, t, r, ...u] of \(String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self))) {
              const x = await GreenmarkVerify.verify({certificate: b(c), text: b(t), trust: b(r), updates: u.map(b)});
              out.push(x.checks.map((k) => (k.ok ? "ok " : "FAIL ") + k.code));
            }
            return out;
            """)
        let browser = try JSONDecoder().decode([[String]].self, from: output)
        try #require(browser.count == inputs.count)
        var outcomes = Set<String>()
        for (i, input) in inputs.enumerated() {
            let loaded = TrustAnchor.load(pinned: Array(input.trust), updates: input.updates.map { Array($0) })
            var checks = loaded.checks
            if let anchor = loaded.anchor {
                checks += CertificateVerifier(anchor: anchor).verify(certificate: Array(input.certificate), text: Array(input.text)).checks
            }
            let swift = checks.map { "\($0.passed ? "ok" : "FAIL") \($0.code)" }
            #expect(browser[i] == swift, "mutant \(i)")
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

    // MARK: - (b), (c) the shipped examples, passed as strings like a page script would

    static func exampleHarness(certificate: String, text: String, trust: String) throws -> String {
        func lit(_ file: String) throws -> String {
            let s = try String(contentsOf: examples.appendingPathComponent(file), encoding: .utf8)
            return String(decoding: try JSONSerialization.data(withJSONObject: [s]), as: UTF8.self)
        }
        return "const certificate = \(try lit(certificate))[0], text = \(try lit(text))[0], trust = \(try lit(trust))[0];"
    }

    @Test("a valid certificate and its text show valid, with the subject")
    func validExamples() throws {
        let output = try Browser.run(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt", trust: "root-key.json") + """
            const receipt = \(String(decoding: try JSONSerialization.data(withJSONObject: [try String(contentsOf: Self.examples.appendingPathComponent("generation-receipt.json"), encoding: .utf8)]), as: UTF8.self))[0];
            const root = \(String(decoding: try JSONSerialization.data(withJSONObject: [try String(contentsOf: Self.examples.appendingPathComponent("trusted-root-v1.json"), encoding: .utf8)]), as: UTF8.self))[0];
            return {
              detection: await GreenmarkVerify.verify({certificate, text, trust}),
              receipt: await GreenmarkVerify.verify({certificate: receipt, text, trust: root}),
              noText: await GreenmarkVerify.verify({certificate, text: null, trust}),
            };
            """)
        let r = try JSONDecoder().decode([String: Browser.Report].self, from: output)
        let detection = try #require(r["detection"])
        #expect(detection.valid, "\(detection.summary)")
        #expect(detection.checks.map(\.code) == ["trust.valid", "header.valid", "endorsement.valid", "signature.valid", "statement.valid", "key.valid", "text.digest.match"])
        let subject = try #require(detection.subject)
        #expect(subject.kind == "detection_attestation")
        #expect(subject.verdict == "watermarked")
        #expect(subject.z_score == "7.2500")
        #expect(subject.p_value == "2.100e-13")
        #expect(subject.issuer_key_id == "gik-3fab5c6904b5aa2e")
        #expect(subject.watermark_key_id == "wk-1bce460c649b03bf")
        #expect(subject.issued_at == "2026-01-02T00:00:00Z")
        #expect(subject.text_sha256 == "cf46b34988f81ac49e24e99c657769e119b971f5f4c696e6ec235fa30ef5a320")

        let receipt = try #require(r["receipt"])
        #expect(receipt.valid, "\(receipt.summary)")
        #expect(receipt.checks.map(\.code).contains("key.trusted"))
        #expect(receipt.subject?.kind == "generation_receipt")

        // Without a text (the API allows null) the text check is not run, as in the Swift verifier.
        let noText = try #require(r["noText"])
        #expect(noText.valid)
        #expect(!noText.checks.map(\.code).contains { $0.hasPrefix("text.") })
    }

    @Test("log inclusion (docs/test-vectors/log-inclusion-v1): the same checks and codes as the Swift LogInclusionCheck")
    func logInclusion() throws {
        let dir = Self.repo.appendingPathComponent("docs/test-vectors/log-inclusion-v1")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as? [String: Any])
        let cases = try #require(expected["cases"] as? [String: [String]])
        var files: [String: String] = [:]
        for name in cases.keys + ["log-key.json"] { files[name] = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) }
        let literal = String(decoding: try JSONSerialization.data(withJSONObject: files), as: UTF8.self)
        let output = try Browser.run(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt", trust: "root-key.json") + """
            const files = \(literal);
            const out = {};
            for (const name of Object.keys(files)) {
              if (name === "log-key.json") continue;
              out[name] = await GreenmarkVerify.verify({certificate, text, trust, logProof: files[name], logKey: files["log-key.json"]});
            }
            out.noLog = await GreenmarkVerify.verify({certificate, text, trust});
            try { await GreenmarkVerify.verify({certificate, text, trust, logProof: files["valid.json"]}); out.half = "accepted"; }
            catch (e) { out.half = String(e.message); }
            return out;
            """)
        let object = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        let certificateChecks = ["trust.valid", "header.valid", "endorsement.valid", "signature.valid", "statement.valid", "key.valid", "text.digest.match"]
        for (name, codes) in cases {
            let data = try JSONSerialization.data(withJSONObject: try #require(object[name]))
            let report = try JSONDecoder().decode(Browser.Report.self, from: data)
            #expect(report.checks.map(\.code) == certificateChecks + codes, "\(name): \(report.summary)")
            #expect(report.valid == (name == "valid.json"), "\(name)")
            #expect((report.subject != nil) == (name == "valid.json"), "\(name)")
        }
        let noLog = try JSONDecoder().decode(Browser.Report.self, from: JSONSerialization.data(withJSONObject: try #require(object["noLog"])))
        #expect(noLog.valid && !noLog.checks.contains { $0.code.hasPrefix("log.") })
        #expect(object["half"] as? String == "logProof and logKey go together")
    }

    @Test("a tampered text shows text.digest.mismatch and no subject")
    func tamperedText() throws {
        let output = try Browser.run(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt", trust: "root-key.json") + """
            return {
              word: await GreenmarkVerify.verify({certificate, text: text.replace("essay", "esssay"), trust}),
              space: await GreenmarkVerify.verify({certificate, text: text.replace(" ", "  "), trust}),
              editor: await GreenmarkVerify.verify({certificate, text: "\\ufeff " + text.replace(/\\r\\n/g, "\\n") + " \\t\\n\\n", trust}),
            };
            """)
        let r = try JSONDecoder().decode([String: Browser.Report].self, from: output)
        for key in ["word", "space"] {
            let report = try #require(r[key])
            #expect(!report.valid, "\(key)")
            #expect(report.failures == ["text.digest.mismatch"], "\(key): \(report.summary)")
            #expect(report.subject == nil, "\(key)")
        }
        // Line endings, a BOM and blanks at the ends are not content.
        #expect(r["editor"]?.valid == true, "\(r["editor"]?.summary ?? "")")
    }

    @Test("canonical text matches docs/test-vectors/canonical-text-v1.json")
    func canonicalTextVectors() throws {
        let vectors = try Data(contentsOf: Self.repo.appendingPathComponent("docs/test-vectors/canonical-text-v1.json"))
        let output = try Browser.run(harness: """
            const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
            const out = [];
            for (const v of \(String(decoding: vectors, as: UTF8.self))) {
              const bytes = GreenmarkVerify.canonicalText(v.text);
              out.push({expected: v.canonical_utf8_hex, got: hex(bytes),
                        expectedSHA: v.sha256, gotSHA: hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)))});
            }
            return out;
            """)
        let results = try JSONDecoder().decode([[String: String]].self, from: output)
        #expect(results.count >= 10)
        for (i, v) in results.enumerated() {
            #expect(v["got"] == v["expected"], "vector \(i)")
            #expect(v["gotSHA"] == v["expectedSHA"], "vector \(i)")
        }
    }

    // MARK: - (d) offline: no external reference, a CSP that forbids every load, no request made

    @Test("loading the page makes no request, and the CSP blocks one if a script tries")
    func noNetworkRequests() throws {
        let output = try Browser.run(harness: """
            const before = { resources: performance.getEntriesByType("resource").map((e) => e.name), violations: window.__violations.slice() };
            let blocked = false;
            try { await fetch("https://example.com/greenmark-probe"); } catch (e) { blocked = true; }
            await new Promise((r) => setTimeout(r, 100));
            return { resources: before.resources, violationsAtLoad: before.violations,
                     probeBlocked: blocked, violationsAfterProbe: window.__violations,
                     api: typeof GreenmarkVerify.verify, lang: document.documentElement.lang };
            """, head: """
            window.__violations = [];
            document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
            """)
        struct Offline: Decodable {
            let resources: [String], violationsAtLoad: [String], probeBlocked: Bool, violationsAfterProbe: [String], api: String, lang: String
        }
        let r = try JSONDecoder().decode(Offline.self, from: output)
        #expect(r.resources.isEmpty, "\(r.resources)")
        #expect(r.violationsAtLoad.isEmpty, "\(r.violationsAtLoad)")
        #expect(r.probeBlocked)
        #expect(r.violationsAfterProbe.contains { $0.hasPrefix("connect-src") && $0.contains("example.com") }, "\(r.violationsAfterProbe)")
        #expect(r.api == "function")
        #expect(r.lang == "en")
    }

    // MARK: - (e) the rendered page, and a screenshot of a valid result

    static let renderHarness = """
        const invalid = await GreenmarkVerify.verify({certificate, text: text + " (edited)", trust});
        GreenmarkVerify.render(invalid);
        const shownInvalid = { verdict: document.getElementById("verdict").textContent, subject: !!document.querySelector("dl.subject"),
                               codes: Array.from(document.querySelectorAll("td.code"), (td) => td.textContent),
                               results: Array.from(document.querySelectorAll("td.res"), (td) => td.textContent) };
        const valid = await GreenmarkVerify.verify({certificate, text, trust});
        GreenmarkVerify.render(valid);
        const unlabeled = Array.from(document.querySelectorAll("input")).filter((i) => i.labels.length === 0).map((i) => i.id);
        return { invalid: shownInvalid, unlabeled,
                 valid: { verdict: document.getElementById("verdict").textContent, focused: document.activeElement.id,
                          subject: document.querySelector("dl.subject")?.textContent ?? "",
                          codes: Array.from(document.querySelectorAll("td.code"), (td) => td.textContent) } };
        """

    @Test("the page renders VALID / INVALID in words, every check code, the subject only when valid; inputs are labelled")
    func rendering() throws {
        let output = try Browser.run(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt", trust: "root-key.json") + Self.renderHarness)
        struct Shown: Decodable {
            struct Invalid: Decodable { let verdict: String, subject: Bool, codes: [String], results: [String] }
            struct Valid: Decodable { let verdict: String, focused: String, subject: String, codes: [String] }
            let invalid: Invalid, valid: Valid, unlabeled: [String]
        }
        let r = try JSONDecoder().decode(Shown.self, from: output)
        #expect(r.invalid.verdict.hasSuffix("INVALID"))
        #expect(!r.invalid.subject)
        #expect(r.invalid.codes.last == "text.digest.mismatch")
        #expect(r.invalid.results.last?.hasSuffix("FAIL") == true)
        #expect(r.valid.verdict.hasSuffix("VALID") && !r.valid.verdict.contains("INVALID"))
        #expect(r.valid.focused == "verdict")
        #expect(r.valid.codes.count == 7 && r.valid.codes.contains("signature.valid"))
        for fact in ["watermarked", "7.2500", "2.100e-13", "gik-3fab5c6904b5aa2e", "wk-1bce460c649b03bf", "2026-01-02T00:00:00Z"] {
            #expect(r.valid.subject.contains(fact), "\(fact)")
        }
        #expect(r.unlabeled.isEmpty, "inputs without a label: \(r.unlabeled)")
    }

    @Test("screenshot of a valid result into artifacts/verify-page-valid.png")
    func screenshot() throws {
        let artifacts = Self.repo.appendingPathComponent("artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let png = artifacts.appendingPathComponent("verify-page-valid.png")
        try? FileManager.default.removeItem(at: png)
        try Browser.screenshot(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt", trust: "root-key.json") + """
            GreenmarkVerify.render(await GreenmarkVerify.verify({certificate, text, trust}));
            return true;
            """, to: png, size: (1000, 1400))
        let data = try Data(contentsOf: png)
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        #expect(data.count > 20_000, "suspiciously small screenshot: \(data.count) bytes")
    }
}

/// verify.html as a file: checked without a browser, so it also runs with GREENMARK_SKIP_BROWSER=1.
@Suite("verify.html is one self-contained file")
struct VerifyPageFileTests {
    @Test("the page is one file with no external reference and a CSP that forbids loads")
    func noExternalReferences() throws {
        let html = try String(contentsOf: BrowserVerifierTests.page, encoding: .utf8)
        let csp = try #require(html.firstMatch(of: /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)?.output.1)
        let directives = Set(csp.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(directives.isSuperset(of: ["default-src 'none'", "script-src 'unsafe-inline'", "style-src 'unsafe-inline'"]))
        #expect(!directives.contains { $0.hasPrefix("connect-src") || $0.hasPrefix("img-src") || $0.hasPrefix("font-src") })
        // No loads of any kind: src/href/url()/@import/srcset pointing anywhere, no <link>, <iframe>, <object>, <embed>.
        #expect(html.firstMatch(of: /(?i)\s(src|href|srcset|action|formaction|poster|data|background)\s*=\s*["']/) == nil, "an attribute that loads something")
        #expect(html.firstMatch(of: /(?i)\burl\s*\(|@import/) == nil, "a CSS load")
        #expect(html.firstMatch(of: /(?i)<(link|iframe|frame|object|embed|img|audio|video|source|track|base|meta\s+http-equiv="refresh")\b/) == nil, "an element that loads something")
        #expect(html.firstMatch(of: /(?i)\b(fetch|XMLHttpRequest|WebSocket|EventSource|importScripts|sendBeacon|Worker)\s*\(/) == nil, "a network API call")
        let urls = html.matches(of: /https?:\/\/[^\s"'<>)]+/).map { String($0.output) }
        // The only URLs are identifiers inside signed content (in-toto and Greenmark type URIs), never loaded.
        #expect(urls.allSatisfy { $0.hasPrefix("https://in-toto.io/Statement/") || $0.hasPrefix("https://greenmark.dev/attestation/") }, "\(urls)")
    }
}

/// Headless Chromium driven through `--dump-dom` and `--screenshot`.
enum Browser {
    static let executable = ProcessInfo.processInfo.environment["GREENMARK_CHROMIUM"] ?? "/usr/bin/chromium"

    /// Run unless the browser is missing and the developer opted out locally.
    static var shouldRun: Bool {
        let env = ProcessInfo.processInfo.environment
        if FileManager.default.isExecutableFile(atPath: executable) { return true }
        return !(env["GREENMARK_SKIP_BROWSER"] == "1" && env["CI"] == nil)
    }

    struct Check: Decodable, Sendable {
        let code: String
        let ok: Bool
        let message: String
        var outcome: String { "\(ok ? "ok" : "FAIL") \(code)" }
    }

    struct Subject: Decodable, Sendable {
        let kind: String
        let certificate_id: String
        let issued_at: String
        let issuer_key_id: String
        let watermark_key_id: String?
        let text_sha256: String
        let verdict: String?
        let z_score: String?
        let p_value: String?
    }

    struct Report: Decodable, Sendable {
        let valid: Bool
        let checks: [Check]
        let subject: Subject?
        var failures: [String] { checks.filter { !$0.ok }.map(\.code) }
        var summary: String { checks.map(\.outcome).joined(separator: ", ") }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// verify.html with `head` run first in <head> and `harness` (the body of an async function whose
    /// return value is the result) run after the page's own script.
    static func harnessPage(_ harness: String, head: String = "") throws -> String {
        let html = try String(contentsOf: BrowserVerifierTests.page, encoding: .utf8)
        let script = """
            <script>
            (async () => {
              let result;
              try { result = { ok: true, value: await (async () => {
            \(harness)
              })() }; } catch (e) { result = { ok: false, error: String(e && e.stack || e) }; }
              const json = new TextEncoder().encode(JSON.stringify(result));
              let binary = "";
              for (let i = 0; i < json.length; i += 0x8000) binary += String.fromCharCode(...json.subarray(i, i + 0x8000));
              const pre = document.createElement("pre");
              pre.id = "harness-result";
              pre.hidden = true;
              pre.textContent = btoa(binary);
              document.body.append(pre);
            })();
            </script>
            """
        guard let bodyEnd = html.range(of: "</body>", options: .backwards), let headStart = html.range(of: "<head>") else {
            throw Failure(description: "verify.html has no <head> or </body>")
        }
        var page = html
        page.replaceSubrange(bodyEnd, with: script + "\n</body>")
        if !head.isEmpty { page.replaceSubrange(headStart, with: "<head>\n<script>\(head)</script>") }
        return page
    }

    /// Runs a harness with `--dump-dom` and returns the JSON its function returned.
    static func run(harness: String, head: String = "") throws -> Data {
        let marker = "<pre id=\"harness-result\" hidden=\"\">"
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("harness.html")
        try Data(try harnessPage(harness, head: head).utf8).write(to: file)
        // Virtual time waits for WebCrypto but not for everything (Blob reads, for one): a run whose
        // budget ran out before the harness finished is retried once with a larger budget.
        var dom = try chromium(["--virtual-time-budget=5000", "--dump-dom", file.absoluteString], in: dir)
        if !dom.contains(marker) {
            print("[browser] no harness result within the virtual-time budget; retrying with a larger one")
            dom = try chromium(["--virtual-time-budget=30000", "--dump-dom", file.absoluteString], in: dir)
        }
        // (String.range(of:), not a Regex: the dumped DOM holds the embedded fixtures, hundreds of KB.)
        guard let start = dom.range(of: marker, options: .backwards), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex),
              let json = Data(base64Encoded: String(dom[start.upperBound..<end.lowerBound])) else {
            throw Failure(description: "the harness wrote no result (page script failed or the time budget ran out)")
        }
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        guard let object, object["ok"] as? Bool == true, let value = object["value"] else {
            throw Failure(description: "the harness threw: \(object?["error"] ?? "?")")
        }
        return try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
    }

    /// Runs a harness and takes a screenshot after its scripts ran.
    static func screenshot(harness: String, to png: URL, size: (Int, Int)) throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("harness.html")
        try Data(try harnessPage(harness).utf8).write(to: file)
        _ = try chromium(["--virtual-time-budget=5000", "--hide-scrollbars", "--window-size=\(size.0),\(size.1)",
                          "--screenshot=\(png.path)", file.absoluteString], in: dir)
    }

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("greenmark-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// One headless Chromium run with its own profile and no network; returns stdout.
    static func chromium(_ args: [String], in dir: URL, timeout: TimeInterval = 300) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "\(executable) is missing: run scripts/bootstrap.sh (or set GREENMARK_SKIP_BROWSER=1 locally)")
        }
        let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: out), stderr = try FileHandle(forWritingTo: err)
        defer { try? stdout.close(); try? stderr.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                       "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                       "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=\(dir.appendingPathComponent("profile").path)"] + args
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = stdout
        p.standardError = stderr
        let start = Date()
        try p.run()
        while p.isRunning {
            if Date().timeIntervalSince(start) > timeout {
                p.terminate()
                p.waitUntilExit()
                throw Failure(description: "chromium did not finish within \(Int(timeout)) s")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let elapsed = Date().timeIntervalSince(start)
        print("[browser] chromium \(args.first { $0.hasPrefix("--dump-dom") || $0.hasPrefix("--screenshot") } ?? "") \(String(format: "%.1f", elapsed)) s")
        let output = String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self)
        guard p.terminationStatus == 0 else {
            let log = String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self)
            throw Failure(description: "chromium exited with \(p.terminationStatus): \(log.suffix(2000))")
        }
        return output
    }
}

/// A small seeded generator (SplitMix64) so the mutants are the same on every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One to three byte edits: replace, delete or insert (JSON punctuation, a BOM byte, 0xFF…).
    mutating func mutate(_ data: Data) -> Data {
        var b = [UInt8](data)
        let pool: [UInt8] = Array("{}[]\",:0aA_-= \n".utf8) + [0xEF, 0xBB, 0xBF, 0xFF, 0xC3]
        for _ in 0...(next() % 3) {
            let i = b.isEmpty ? 0 : Int(next() % UInt64(b.count))
            switch next() % 3 {
            case 0 where !b.isEmpty: b[i] = UInt8(truncatingIfNeeded: next())
            case 1 where !b.isEmpty: b.remove(at: i)
            default: b.insert(pool[Int(next() % UInt64(pool.count))], at: i)
            }
        }
        return Data(b)
    }
}
