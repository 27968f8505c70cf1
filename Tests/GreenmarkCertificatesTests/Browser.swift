import Foundation

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
            let json = Data(base64Encoded: String(dom[start.upperBound..<end.lowerBound]))
        else {
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
        _ = try chromium(
            [
                "--virtual-time-budget=5000", "--hide-scrollbars", "--window-size=\(size.0),\(size.1)",
                "--screenshot=\(png.path)", file.absoluteString,
            ], in: dir)
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
        let out = dir.appendingPathComponent("stdout")
        let err = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: out)
        let stderr = try FileHandle(forWritingTo: err)
        defer {
            try? stdout.close()
            try? stderr.close()
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
            ] + args
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
        print(
            "[browser] chromium \(args.first { $0.hasPrefix("--dump-dom") || $0.hasPrefix("--screenshot") } ?? "") \(String(format: "%.1f", elapsed)) s"
        )
        let output = String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self)
        guard p.terminationStatus == 0 else {
            let log = String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self)
            throw Failure(description: "chromium exited with \(p.terminationStatus): \(log.suffix(2000))")
        }
        return output
    }
}
