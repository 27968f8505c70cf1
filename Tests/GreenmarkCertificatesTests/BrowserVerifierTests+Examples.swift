import Foundation
import GreenmarkCertificates
import GreenmarkCrypto
import Testing

/// The shipped examples in the page (certs/examples), passed as strings like a page script would.
extension BrowserVerifierTests {
    // MARK: - (b), (c) the shipped examples, passed as strings like a page script would

    /// Trust for the shipped examples: the example root key file, and a fresh trusted root (the
    /// example version 1 body with an `expires` far ahead) signed by the example root key, which
    /// is derived from a public label (example keys, published on purpose). A bare root key alone
    /// is never enough, and the shipped trusted roots may have expired.
    static func exampleTrust() throws -> (rootKey: String, trustedRoot: String) {
        let rootKey = try String(contentsOf: examples.appendingPathComponent("root-key.json"), encoding: .utf8)
        let root = try Ed25519PrivateKey(seed: SHA256Digest.hash(Array("greenmark/example/root-1".utf8)))
        guard let pin = try JSONSerialization.jsonObject(with: Data(rootKey.utf8)) as? [String: Any], let kid = pin["key_id"] as? String,
            pin["public_key"] as? String == Base64URL.encode(root.publicKey.rawRepresentation)
        else {
            throw Browser.Failure(description: "certs/examples/root-key.json is not the example key greenmark/example/root-1")
        }
        guard
            let v1 = try JSONSerialization.jsonObject(with: Data(contentsOf: examples.appendingPathComponent("trusted-root-v1.json")))
                as? [String: Any],
            let encoded = v1["payload"] as? String,
            var body = try JSONSerialization.jsonObject(with: try base64URLDecode(encoded)) as? [String: Any]
        else {
            throw Browser.Failure(description: "certs/examples/trusted-root-v1.json is not a trusted root")
        }
        body["expires"] = "9999-12-31T23:59:59Z"
        let payload = Base64URL.encode(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]))
        let protected = Base64URL.encode(Array(#"{"alg":"EdDSA","kid":"\#(kid)","typ":"application/vnd.greenmark.trusted-root+jws"}"#.utf8))
        let signature = Base64URL.encode(try root.signature(for: Array("\(protected).\(payload)".utf8)))
        let document = try JSONSerialization.data(
            withJSONObject: ["payload": payload, "signatures": [["protected": protected, "signature": signature]]],
            options: [.sortedKeys])
        return (rootKey, String(decoding: document, as: UTF8.self))
    }

    /// The signed predicate of an example certificate (to compare what the page shows).
    static func examplePredicate(_ file: String) throws -> [String: Any] {
        let certificate = try JSONSerialization.jsonObject(with: Data(contentsOf: examples.appendingPathComponent(file))) as? [String: Any]
        guard let payload = certificate?["payload"] as? String,
            let statement = try JSONSerialization.jsonObject(with: try base64URLDecode(payload)) as? [String: Any],
            let predicate = statement["predicate"] as? [String: Any]
        else { throw Browser.Failure(description: "\(file): no predicate") }
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

    @Test(
        "the examples: valid with the root key and a trusted root, with the subject; a bare root key is trust.incomplete; stale, future and unassigned inputs fail"
    )
    func validExamples() throws {
        let receipt =
            try Self.json([try String(contentsOf: Self.examples.appendingPathComponent("generation-receipt.json"), encoding: .utf8)]) + "[0]"
        let output = try Browser.run(
            harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
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

        for (key, codes) in [
            ("bare", ["trust.incomplete"]), ("stale", ["trust.stale"]),
            ("future", Array(Self.validChecks.prefix(6)) + ["time.future"]),
            ("unassigned", Array(Self.validChecks.dropLast()) + ["text.unassigned"]),
        ] {
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
        let output = try Browser.run(
            harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
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
        for name in [
            "feb30", "t24", "leap", "offset", "fraction", "fullwidth", "year0", "minFraction", "minString", "minZero", "noCertificate", "nullUpdate",
            "number",
        ] {
            #expect(r[name] as? String == "TypeError", "\(name): \(r[name] ?? "?")")
        }
        #expect(r["ok"] as? Bool == true)
    }

    @Test("whole texts: 64 MiB is read whole and checked, one byte more is text.too_large (arrays and Blobs), nothing is truncated")
    func wholeText() throws {
        let output = try Browser.run(
            harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
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
        let expected = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as? [String: Any])
        let cases = try #require(expected["cases"] as? [String: [String]])
        var files: [String: String] = [:]
        for name in cases.keys + ["log-key.json"] { files[name] = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) }
        let output = try Browser.run(
            harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
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
        let output = try Browser.run(
            harness: try Self.exampleHarness(certificate: "detection-attestation.json", text: "text.txt") + """
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
}
