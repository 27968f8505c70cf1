import Foundation
import Testing

/// The page's text rules (canonical text, the Unicode table), offline behaviour and rendering.
extension BrowserVerifierTests {
    @Test("canonical text matches docs/test-vectors/canonical-text-v1.json")
    func canonicalTextVectors() throws {
        let vectors = try Data(contentsOf: Self.repo.appendingPathComponent("docs/test-vectors/canonical-text-v1.json"))
        let output = try Browser.run(
            harness: """
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
        for (a, b) in table {
            for cp in [a - 1, a, b, b + 1] where (0...0x10FFFF).contains(cp) && !(0xD800...0xDFFF).contains(cp) { probes.insert(cp) }
        }
        let output = try Browser.run(
            harness: """
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
        let output = try Browser.run(
            harness: """
                const before = { resources: performance.getEntriesByType("resource").map((e) => e.name), violations: window.__violations.slice() };
                let blocked = false;
                try { await fetch("https://example.com/greenmark-probe"); } catch (e) { blocked = true; }
                await new Promise((r) => setTimeout(r, 100));
                return { resources: before.resources, violationsAtLoad: before.violations,
                         probeBlocked: blocked, violationsAfterProbe: window.__violations,
                         api: typeof GreenmarkVerify.verify, lang: document.documentElement.lang };
                """,
            head: """
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
        let output = try Browser.run(
            harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + Self.renderHarness)
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
        let output = try Browser.run(
            harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
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
        try Browser.screenshot(
            harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
                GreenmarkVerify.render(await GreenmarkVerify.verify({certificate, text, trust, updates}));
                return true;
                """, to: png, size: (1000, 1400))
        let data = try Data(contentsOf: png)
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        #expect(data.count > 20_000, "suspiciously small screenshot: \(data.count) bytes")
    }
}
