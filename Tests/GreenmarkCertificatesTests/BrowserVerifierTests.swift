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
    static let validChecks = ["trust.valid", "format.valid", "header.valid", "key.trusted", "signature.valid", "statement.valid", "key.valid", "text.digest.match"]

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
    static func swiftVerify(certificate: Data, text: Data?, trust: Data, updates: [Data], minimumVersion: Int?, at: Date) -> (valid: Bool, checks: [String]) {
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
            cases.append(["name": name, "certificate": f.certificate.base64EncodedString(), "text": f.text?.base64EncodedString() ?? NSNull(),
                          "trust": f.trust.base64EncodedString(), "updates": f.updates.map { $0.base64EncodedString() },
                          "at": f.expected.at ?? NSNull(), "min": f.expected.minTrustVersion ?? NSNull()])
        }
        let output = try Browser.run(harness: bytesJS + """
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
        let swift = Self.swiftVerify(certificate: files.certificate, text: files.text, trust: files.trust, updates: files.updates,
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
            var certificate = base.certificate, text = base.text, trust = base.trust, updates = base.updates
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
                        object["protected"] = Base64URL.encode(data)
                        certificate = (try? JSONSerialization.data(withJSONObject: object)) ?? certificate
                    }
                }
            }
            inputs.append(Input(certificate: certificate, text: text, trust: trust, updates: updates, at: base.at,
                                atString: base.expected.at, min: base.expected.minTrustVersion))
        }
        let payload: [[String: Any]] = inputs.map {
            ["certificate": $0.certificate.base64EncodedString(), "text": $0.text?.base64EncodedString() ?? NSNull(), "trust": $0.trust.base64EncodedString(),
             "updates": $0.updates.map { $0.base64EncodedString() }, "at": $0.atString ?? Timestamp.format($0.at), "min": $0.min ?? NSNull()]
        }
        let output = try Browser.run(harness: Self.bytesJS + """
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
            let swift = Self.swiftVerify(certificate: input.certificate, text: input.text, trust: input.trust, updates: input.updates,
                                         minimumVersion: input.min, at: input.at).checks
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

    // MARK: - (b), (c) the shipped examples, passed as strings like a page script would

    /// Trust for the shipped examples: the example root key file, and a fresh trusted root (the
    /// example version 1 body with an `expires` far ahead) signed by the example root key, which
    /// is derived from a public label (example keys, published on purpose). A bare root key alone
    /// is never enough, and the shipped trusted roots may have expired.
    static func exampleTrust() throws -> (rootKey: String, trustedRoot: String) {
        let rootKey = try String(contentsOf: examples.appendingPathComponent("root-key.json"), encoding: .utf8)
        let root = try Ed25519PrivateKey(seed: SHA256Digest.hash(Array("greenmark/example/root-1".utf8)))
        guard let pin = try JSONSerialization.jsonObject(with: Data(rootKey.utf8)) as? [String: Any], let kid = pin["key_id"] as? String,
              pin["public_key"] as? String == Base64URL.encode(root.publicKey.rawRepresentation) else {
            throw Browser.Failure(description: "certs/examples/root-key.json is not the example key greenmark/example/root-1")
        }
        guard let v1 = try JSONSerialization.jsonObject(with: Data(contentsOf: examples.appendingPathComponent("trusted-root-v1.json"))) as? [String: Any],
              let encoded = v1["payload"] as? String,
              var body = try JSONSerialization.jsonObject(with: try base64URLDecode(encoded)) as? [String: Any] else {
            throw Browser.Failure(description: "certs/examples/trusted-root-v1.json is not a trusted root")
        }
        body["expires"] = "9999-12-31T23:59:59Z"
        let payload = Base64URL.encode(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]))
        let protected = Base64URL.encode(Array(#"{"alg":"EdDSA","kid":"\#(kid)","typ":"application/vnd.greenmark.trusted-root+jws"}"#.utf8))
        let signature = Base64URL.encode(try root.signature(for: Array("\(protected).\(payload)".utf8)))
        let document = try JSONSerialization.data(withJSONObject: ["payload": payload, "signatures": [["protected": protected, "signature": signature]]],
                                                  options: [.sortedKeys])
        return (rootKey, String(decoding: document, as: UTF8.self))
    }

    /// The signed predicate of an example certificate (to compare what the page shows).
    static func examplePredicate(_ file: String) throws -> [String: Any] {
        let certificate = try JSONSerialization.jsonObject(with: Data(contentsOf: examples.appendingPathComponent(file))) as? [String: Any]
        guard let payload = certificate?["payload"] as? String,
              let statement = try JSONSerialization.jsonObject(with: try base64URLDecode(payload)) as? [String: Any],
              let predicate = statement["predicate"] as? [String: Any] else { throw Browser.Failure(description: "\(file): no predicate") }
        return predicate
    }

    /// Defines `certificate`, `text`, `trust` (the example root key file), `updates` (a fresh
    /// trusted root signed by it) and `pinnedRoot` (that trusted root, to pin it instead).
    static func exampleHarness(certificate: String, text: String) throws -> String {
        func lit(_ file: String) throws -> String {
            try json([try String(contentsOf: examples.appendingPathComponent(file), encoding: .utf8)]) + "[0]"
        }
        let trust = try exampleTrust()
        return """
            const certificate = \(try lit(certificate)), text = \(try lit(text)), trust = \(try json([trust.rootKey]))[0];
            const pinnedRoot = \(try json([trust.trustedRoot]))[0], updates = [pinnedRoot];

            """
    }

    @Test("the examples: valid with the root key and a trusted root, with the subject; a bare root key is trust.incomplete; stale, future and unassigned inputs fail")
    func validExamples() throws {
        let receipt = try Self.json([try String(contentsOf: Self.examples.appendingPathComponent("generation-receipt.json"), encoding: .utf8)]) + "[0]"
        let output = try Browser.run(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
            const receipt = \(receipt);
            return {
              detection: await GreenmarkVerify.verify({certificate, text, trust, updates}),
              receipt: await GreenmarkVerify.verify({certificate: receipt, text, trust: pinnedRoot, updates: []}),
              noText: await GreenmarkVerify.verify({certificate, text: null, trust, updates}),
              bare: await GreenmarkVerify.verify({certificate, text, trust}),
              stale: await GreenmarkVerify.verify({certificate, text, trust, updates, at: "9999-12-31T23:59:59Z"}),
              future: await GreenmarkVerify.verify({certificate, text, trust, updates, at: "2001-01-01T00:00:00Z"}),
              unassigned: await GreenmarkVerify.verify({certificate, text: text + "\\u0378", trust, updates}),
              asOf: await GreenmarkVerify.verify({certificate, text, trust, updates, at: new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 600))}),
            };
            """)
        let r = try JSONDecoder().decode([String: Browser.Report].self, from: output)
        let predicate = try Self.examplePredicate("detection-attestation.json")
        let detection = try #require(r["detection"])
        #expect(detection.valid, "\(detection.summary)")
        #expect(detection.checks.map(\.code) == Self.validChecks)
        let subject = try #require(detection.subject)
        #expect(subject.kind == "detection_attestation")
        let signed = { (field: String) -> String? in predicate[field] as? String }
        #expect(subject.verdict == signed("verdict"))
        #expect(subject.z_score == signed("z_score"))
        #expect(subject.p_value == signed("p_value"))
        #expect(subject.issuer_key_id == signed("issuer_key_id"))
        #expect(subject.watermark_key_id == signed("watermark_key_id"))
        #expect(subject.issued_at == signed("issued_at"))
        #expect(subject.text_sha256 == "cf46b34988f81ac49e24e99c657769e119b971f5f4c696e6ec235fa30ef5a320")

        let receiptReport = try #require(r["receipt"])
        #expect(receiptReport.valid, "\(receiptReport.summary)")
        #expect(receiptReport.checks.map(\.code) == Self.validChecks)
        #expect(receiptReport.subject?.kind == "generation_receipt")

        // Without a text (the API allows null) the text check is not run, as in the Swift verifier.
        let noText = try #require(r["noText"])
        #expect(noText.valid)
        #expect(noText.checks.map(\.code) == Array(Self.validChecks.dropLast()))

        for (key, codes) in [("bare", ["trust.incomplete"]), ("stale", ["trust.stale"]),
                             ("future", Array(Self.validChecks.prefix(6)) + ["time.future"]),
                             ("unassigned", Array(Self.validChecks.dropLast()) + ["text.unassigned"])] {
            let report = try #require(r[key])
            #expect(!report.valid && report.subject == nil, "\(key)")
            #expect(report.checks.map(\.code) == codes, "\(key): \(report.summary)")
            #expect(report.failures == [codes.last!], "\(key): \(report.summary)")
        }
        // A Date is taken at whole seconds; the result names the verification time used.
        #expect(r["asOf"]?.at == "2030-01-02T03:04:05Z")
        #expect(r["detection"]?.at?.count == 20)
    }

    @Test("usage errors throw (like exit 2): a malformed at or minimum version, a missing input, half of the log pair")
    func usageErrors() throws {
        let output = try Browser.run(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
            const out = {};
            const tries = {
              feb30: {at: "2026-02-30T00:00:00Z"}, t24: {at: "2026-01-01T24:00:00Z"}, leap: {at: "2026-12-31T23:59:60Z"},
              offset: {at: "2026-01-01T00:00:00+00:00"}, fraction: {at: "2026-01-01T00:00:00.5Z"}, fullwidth: {at: "２026-01-01T00:00:00Z"},
              year0: {at: "0000-01-01T00:00:00Z"}, minFraction: {minTrustVersion: 1.5}, minString: {minTrustVersion: "2"}, minZero: {minTrustVersion: 0},
              noCertificate: {certificate: undefined}, nullUpdate: {updates: [null]}, number: {text: 5},
            };
            for (const [name, change] of Object.entries(tries)) {
              try { await GreenmarkVerify.verify(Object.assign({certificate, text, trust, updates}, change)); out[name] = "accepted"; }
              catch (e) { out[name] = e.name; }
            }
            out.ok = (await GreenmarkVerify.verify({certificate, text, trust, updates, at: "2026-06-01T12:00:00Z", minTrustVersion: 1})).valid;
            return out;
            """)
        let r = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        for name in ["feb30", "t24", "leap", "offset", "fraction", "fullwidth", "year0", "minFraction", "minString", "minZero", "noCertificate", "nullUpdate", "number"] {
            #expect(r[name] as? String == "TypeError", "\(name): \(r[name] ?? "?")")
        }
        #expect(r["ok"] as? Bool == true)
    }

    @Test("whole texts: 64 MiB is read whole and checked, one byte more is text.too_large (arrays and Blobs), nothing is truncated")
    func wholeText() throws {
        let output = try Browser.run(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
            const limit = 64 * 1024 * 1024, base = new TextEncoder().encode(text);
            const padded = (n) => { const a = new Uint8Array(n); a.fill(10); a.set(base); return a; };   // trailing newlines are not content
            const codes = async (t) => (await GreenmarkVerify.verify({certificate, text: t, trust, updates})).checks.map((c) => c.code);
            const added = new TextEncoder().encode("THIS PARAGRAPH WAS ADDED LATER.");
            return {
              exact: await codes(padded(limit)),
              over: await codes(padded(limit + 1)),
              exactBlob: await codes(new Blob([padded(limit)])),
              appendedBlob: await codes(new Blob([base, new Uint8Array(limit).fill(10), added])),
              appendedEnd: await codes((() => { const a = padded(limit); a.set(added, limit - added.length); return a; })()),
            };
            """)
        let r = try JSONDecoder().decode([String: [String]].self, from: output)
        let upToText = Array(Self.validChecks.dropLast())
        #expect(r["exact"] == Self.validChecks)
        #expect(r["exactBlob"] == Self.validChecks)
        #expect(r["over"] == upToText + ["text.too_large"])
        #expect(r["appendedBlob"] == upToText + ["text.too_large"])
        // A paragraph added at the very end of a 64 MiB text is read and changes the digest.
        #expect(r["appendedEnd"] == upToText + ["text.digest.mismatch"])
    }

    @Test("log inclusion (docs/test-vectors/log-inclusion-v1): the same checks and codes as the Swift LogInclusionCheck")
    func logInclusion() throws {
        let dir = Self.repo.appendingPathComponent("docs/test-vectors/log-inclusion-v1")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as? [String: Any])
        let cases = try #require(expected["cases"] as? [String: [String]])
        var files: [String: String] = [:]
        for name in cases.keys + ["log-key.json"] { files[name] = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) }
        let output = try Browser.run(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
            const files = \(try Self.json(files));
            const out = {};
            for (const name of Object.keys(files)) {
              if (name === "log-key.json") continue;
              out[name] = await GreenmarkVerify.verify({certificate, text, trust, updates, logProof: files[name], logKey: files["log-key.json"]});
            }
            out.noLog = await GreenmarkVerify.verify({certificate, text, trust, updates});
            try { await GreenmarkVerify.verify({certificate, text, trust, updates, logProof: files["valid.json"]}); out.half = "accepted"; }
            catch (e) { out.half = String(e.message); }
            return out;
            """)
        let object = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        for (name, codes) in cases {
            let data = try JSONSerialization.data(withJSONObject: try #require(object[name]))
            let report = try JSONDecoder().decode(Browser.Report.self, from: data)
            #expect(report.checks.map(\.code) == Self.validChecks + codes, "\(name): \(report.summary)")
            // valid.json is a v1 leaf (the file's bytes), valid-leaf-v2.json a v2 leaf (the signed parts).
            let included = codes.last == "log.inclusion.valid"
            #expect(report.valid == included, "\(name)")
            #expect((report.subject != nil) == included, "\(name)")
        }
        let noLog = try JSONDecoder().decode(Browser.Report.self, from: JSONSerialization.data(withJSONObject: try #require(object["noLog"])))
        #expect(noLog.valid && !noLog.checks.contains { $0.code.hasPrefix("log.") })
        #expect(object["half"] as? String == "logProof and logKey go together")
    }

    @Test("a tampered text shows text.digest.mismatch and no subject")
    func tamperedText() throws {
        let output = try Browser.run(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
            return {
              word: await GreenmarkVerify.verify({certificate, text: text.replace("essay", "esssay"), trust, updates}),
              space: await GreenmarkVerify.verify({certificate, text: text.replace(" ", "  "), trust, updates}),
              editor: await GreenmarkVerify.verify({certificate, text: "\\ufeff " + text.replace(/\\r\\n/g, "\\n") + " \\t\\n\\n", trust, updates}),
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

    @Test("text.unassigned: the page's Unicode 14.0 table is docs/test-vectors/unicode-14.0-assigned.txt, and every range edge is classified by it")
    func unicodeAssignedTable() throws {
        let table = try UnicodeTable.file()
        var probes = Set<Int>()
        for (a, b) in table { for cp in [a - 1, a, b, b + 1] where (0...0x10FFFF).contains(cp) && !(0xD800...0xDFFF).contains(cp) { probes.insert(cp) } }
        let output = try Browser.run(harness: """
            const probes = \(try Self.json(probes.sorted()));
            return { ranges: GreenmarkVerify.assignedRanges(),
                     unassigned: probes.filter((cp) => GreenmarkVerify.firstUnassigned("ab" + String.fromCodePoint(cp) + "c") !== null),
                     where: GreenmarkVerify.firstUnassigned("a\\u00e9\\u{1F600}\\u0378") };
            """)
        struct Shown: Decodable {
            struct Where: Decodable { let index: Int, codePoint: Int }
            let ranges: [[Int]], unassigned: [Int], `where`: Where?
        }
        let r = try JSONDecoder().decode(Shown.self, from: output)
        #expect(r.ranges.map { $0[0] } == table.map(\.0) && r.ranges.map { $0[1] } == table.map(\.1), "the page's table is not the file's")
        let expected = probes.filter { cp in !table.contains { $0.0 <= cp && cp <= $0.1 } }
        #expect(Set(r.unassigned) == expected)
        #expect(r.where?.index == 4 && r.where?.codePoint == 0x378)
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

    // MARK: - (e) the rendered page, the form, and a screenshot of a valid result

    static let renderHarness = """
        const invalid = await GreenmarkVerify.verify({certificate, text: text + " (edited)", trust, updates});
        GreenmarkVerify.render(invalid);
        const shownInvalid = { verdict: document.getElementById("verdict").textContent, subject: !!document.querySelector("dl.subject"),
                               codes: Array.from(document.querySelectorAll("td.code"), (td) => td.textContent),
                               results: Array.from(document.querySelectorAll("td.res"), (td) => td.textContent) };
        GreenmarkVerify.render(await GreenmarkVerify.verify({certificate, text, trust}));
        const shownBare = { text: document.getElementById("result").textContent, subject: !!document.querySelector("dl.subject") };
        const valid = await GreenmarkVerify.verify({certificate, text, trust, updates, at: "2026-06-01T00:00:00Z"});
        GreenmarkVerify.render(valid);
        const unlabeled = Array.from(document.querySelectorAll("input")).filter((i) => i.labels.length === 0).map((i) => i.id);
        return { invalid: shownInvalid, bare: shownBare, unlabeled,
                 valid: { verdict: document.getElementById("verdict").textContent, focused: document.activeElement.id,
                          summary: document.querySelector(".verdict p").textContent,
                          subject: document.querySelector("dl.subject")?.textContent ?? "",
                          codes: Array.from(document.querySelectorAll("td.code"), (td) => td.textContent) } };
        """

    @Test("the page renders VALID / INVALID in words, every check code, the subject only when valid; inputs are labelled")
    func rendering() throws {
        let output = try Browser.run(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + Self.renderHarness)
        struct Shown: Decodable {
            struct Invalid: Decodable { let verdict: String, subject: Bool, codes: [String], results: [String] }
            struct Bare: Decodable { let text: String, subject: Bool }
            struct Valid: Decodable { let verdict: String, focused: String, summary: String, subject: String, codes: [String] }
            let invalid: Invalid, bare: Bare, valid: Valid, unlabeled: [String]
        }
        let r = try JSONDecoder().decode(Shown.self, from: output)
        #expect(r.invalid.verdict.hasSuffix("INVALID"))
        #expect(!r.invalid.subject)
        #expect(r.invalid.codes == Array(Self.validChecks.dropLast()) + ["text.digest.mismatch"])
        #expect(r.invalid.results.last?.hasSuffix("FAIL") == true)
        #expect(r.bare.text.contains("INVALID") && r.bare.text.contains("trust.incomplete") && !r.bare.subject)
        #expect(r.valid.verdict.hasSuffix("VALID") && !r.valid.verdict.contains("INVALID"))
        #expect(r.valid.focused == "verdict")
        #expect(r.valid.summary.contains("2026-06-01T00:00:00Z"), "the verification time is shown: \(r.valid.summary)")
        #expect(r.valid.codes == Self.validChecks)
        let predicate = try Self.examplePredicate("detection-attestation.json")
        for field in ["verdict", "z_score", "p_value", "issuer_key_id", "watermark_key_id", "issued_at"] {
            let fact = try #require(predicate[field] as? String, "\(field)")
            #expect(r.valid.subject.contains(fact), "\(field): \(fact)")
        }
        #expect(r.unlabeled.isEmpty, "inputs without a label: \(r.unlabeled)")
    }

    @Test("the form: files read whole, trusted roots in any order, a verification time; a malformed time is an error, not a verdict")
    func form() throws {
        let output = try Browser.run(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
            const put = (id, files) => {
              const dt = new DataTransfer();
              for (const [name, content] of files) dt.items.add(new File([content], name));
              const input = document.getElementById(id);
              input.files = dt.files;
              input.dispatchEvent(new Event("change"));
            };
            const submit = (at) => new Promise((resolve) => {
              document.getElementById("in-at").value = at;
              document.addEventListener("greenmark-verified", (e) => resolve({ detail: e.detail, shown: document.getElementById("result").textContent }), { once: true });
              document.getElementById("check").click();
            });
            const disabledBefore = document.getElementById("check").disabled;
            put("in-certificate", [["cert.json", certificate]]);
            put("in-text", [["essay.txt", text]]);
            put("in-trust", [["root-key.json", trust]]);
            const alone = await submit("");
            put("in-updates", [["trusted-root-v9.json", pinnedRoot], ["trusted-root-v1.json", pinnedRoot]]);
            const valid = await submit("2026-06-01T00:00:00Z");
            const stale = await submit("9999-12-31T23:59:59Z");
            const malformed = await submit("2026-02-30T00:00:00Z");
            const big = new Uint8Array(64 * 1024 * 1024 + 1); big.fill(10); big.set(new TextEncoder().encode(text));
            put("in-text", [["big.txt", big]]);
            const tooLarge = await submit("2026-06-01T00:00:00Z");
            return { disabledBefore, alone: alone.detail.checks.map((c) => c.code), valid: valid.detail.valid, validAt: valid.detail.at,
                     validShown: valid.shown, stale: stale.detail.checks.map((c) => c.code), malformed: malformed.detail.error ?? null,
                     malformedShown: malformed.shown, tooLarge: tooLarge.detail.checks.map((c) => c.code) };
            """)
        struct Shown: Decodable {
            let disabledBefore: Bool, alone: [String], valid: Bool, validAt: String, validShown: String, stale: [String]
            let malformed: String?, malformedShown: String, tooLarge: [String]
        }
        let r = try JSONDecoder().decode(Shown.self, from: output)
        #expect(r.disabledBefore)
        #expect(r.alone == ["trust.incomplete"])
        #expect(r.valid && r.validAt == "2026-06-01T00:00:00Z" && r.validShown.contains("VALID"))
        #expect(r.stale == ["trust.stale"])
        #expect(r.malformed?.contains("YYYY-MM-DDTHH:MM:SSZ") == true)
        #expect(r.malformedShown.contains("Could not check") && !r.malformedShown.contains("VALID"))
        #expect(r.tooLarge == Array(Self.validChecks.dropLast()) + ["text.too_large"])
    }

    @Test("screenshot of a valid result into artifacts/verify-page-valid.png")
    func screenshot() throws {
        let artifacts = Self.repo.appendingPathComponent("artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let png = artifacts.appendingPathComponent("verify-page-valid.png")
        try? FileManager.default.removeItem(at: png)
        try Browser.screenshot(harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
            GreenmarkVerify.render(await GreenmarkVerify.verify({certificate, text, trust, updates}));
            return true;
            """, to: png, size: (1000, 1400))
        let data = try Data(contentsOf: png)
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        #expect(data.count > 20_000, "suspiciously small screenshot: \(data.count) bytes")
    }
}

/// docs/test-vectors/unicode-14.0-assigned.txt and the copy embedded in certs/verify.html.
enum UnicodeTable {
    static func parse(_ lines: some Sequence<Substring>, separator: String) -> [(Int, Int)] {
        lines.compactMap { line -> (Int, Int)? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty, !t.hasPrefix("#") else { return nil }
            let parts = t.components(separatedBy: separator)
            guard let a = Int(parts[0], radix: 16), let b = Int(parts.count > 1 ? parts[1] : parts[0], radix: 16) else { return (-1, -1) }
            return (a, b)
        }
    }

    static func file() throws -> [(Int, Int)] {
        let text = try String(contentsOf: BrowserVerifierTests.repo.appendingPathComponent("docs/test-vectors/unicode-14.0-assigned.txt"), encoding: .utf8)
        return parse(text.split(whereSeparator: \.isNewline), separator: "..")
    }

    /// The ranges between "const UNICODE_14_ASSIGNED = `" and "`;" in the page.
    static func page() throws -> [(Int, Int)] {
        let html = try String(contentsOf: BrowserVerifierTests.page, encoding: .utf8)
        guard let start = html.range(of: "const UNICODE_14_ASSIGNED = `"), let end = html.range(of: "`;", range: start.upperBound..<html.endIndex) else {
            throw Browser.Failure(description: "verify.html has no UNICODE_14_ASSIGNED table")
        }
        return parse(html[start.upperBound..<end.lowerBound].split(whereSeparator: \.isWhitespace), separator: "-")
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

    @Test("the page's Unicode 14.0 table equals docs/test-vectors/unicode-14.0-assigned.txt (scripts/embed_verify_page.py writes it)")
    func unicodeTable() throws {
        let file = try UnicodeTable.file(), page = try UnicodeTable.page()
        #expect(file.count > 600)
        #expect(page.count == file.count, "page \(page.count) ranges, file \(file.count)")
        #expect(page.map(\.0) == file.map(\.0) && page.map(\.1) == file.map(\.1), "the page's table differs from the file: run scripts/embed_verify_page.py")
    }

    @Test("Sources/GreenmarkServer/Web/VerifyPage.swift is the generated copy of the page (scripts/embed_verify_page.py)")
    func embeddedCopy() throws {
        let html = try String(contentsOf: BrowserVerifierTests.page, encoding: .utf8)
        let swift = try String(contentsOf: BrowserVerifierTests.repo.appendingPathComponent("Sources/GreenmarkServer/Web/VerifyPage.swift"), encoding: .utf8)
        let generated = "// Generated by scripts/embed_verify_page.py from certs/verify.html. Do not edit.\n\n"
            + "/// The offline certificate checker (`certs/verify.html`), served at `/verify`.\n"
            + "enum VerifyPage {\n"
            + "    static let html = ##\"\"\"\n" + html + "\n" + "\"\"\"##\n"
            + "}\n"
        #expect(swift == generated, "run scripts/embed_verify_page.py")
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
        /// The verification time the page used.
        let at: String?
        /// Set by the conformance harness when verify() threw.
        let error: String?
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
              // Keep the main thread busy with a message loop while the harness runs: virtual time
              // (--virtual-time-budget) then does not advance, so the budget cannot run out while
              // the page waits for work virtual time does not track (Blob and File reads).
              let running = true;
              const keepAlive = new MessageChannel();
              keepAlive.port1.onmessage = () => { if (running) keepAlive.port2.postMessage(0); };
              keepAlive.port2.postMessage(0);
              let result;
              try { result = { ok: true, value: await (async () => {
            \(harness)
              })() }; } catch (e) { result = { ok: false, error: String(e && e.stack || e) }; }
              running = false;
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
        // Virtual time waits for WebCrypto but not for everything (Blob reads, for one; the harness
        // keeps the main thread busy while it runs): a run whose budget ran out before the harness
        // finished is retried once with a larger budget.
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
