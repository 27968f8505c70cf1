import ArgumentParser
import Foundation
import GreenmarkServer
import Testing

@testable import greenmarkd

/// `greenmarkd serve` settings: command line over `GREENMARK_*` over the `--config` JSON file over
/// defaults, checked on the parsed command and on the real executable.
@Suite("greenmarkd configuration (swift-configuration)", .serialized)
struct DaemonConfigurationTests {
    func writeConfig(_ object: [String: Any]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("greenmarkd-\(UUID().uuidString).json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("command line beats environment beats config file beats defaults, key by key")
    func precedence() async throws {
        let file = try writeConfig([
            "port": 7001, "host": "127.0.0.2", "threads": 3, "max_queued": 9, "public_detection": true,
            "rate_limit": 2.5, "database": "/tmp/from-file.sqlite", "home": "/tmp/home-from-file",
        ])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let environment = [
            "GREENMARK_PORT": "7002", "GREENMARK_THREADS": "2", "GREENMARK_HOME": "/tmp/home-from-env",
            "GREENMARK_GENERATION": "false", "PORT": "1", "THREADS": "1",
        ]
        let serve = try Serve.parse(["--config", file, "--port", "7003", "--no-public-detection", "--rate-burst", "4"])
        let c = try await serve.resolvedConfiguration(environment: environment)
        #expect(c.port == 7003)  // flag over env and file
        #expect(c.threads == 2)  // env over file
        #expect(c.home == "/tmp/home-from-env")  // env over file
        #expect(c.generation == false)  // env over default
        #expect(c.host == "127.0.0.2")  // file over default
        #expect(c.maxQueued == 9)  // file over default
        #expect(c.database == "/tmp/from-file.sqlite")
        #expect(c.publicDetection == false)  // --no-public-detection over the file's true
        #expect(c.rateLimitPolicy == RateLimiter.Policy(ratePerSecond: 2.5, burst: 4))
        #expect(c.model == nil)

        // Nothing given anywhere: the documented defaults.
        let defaults = try await Serve.parse([]).resolvedConfiguration(environment: [:])
        #expect(defaults == DaemonConfiguration())
        #expect(defaults.port == 8080 && defaults.host == "127.0.0.1" && defaults.generation && !defaults.publicDetection)
        #expect(defaults.rateLimitPolicy == nil)

        // The config file comes from GREENMARK_CONFIG when --config is absent.
        let viaEnv = try await Serve.parse([]).resolvedConfiguration(environment: ["GREENMARK_CONFIG": file])
        #expect(viaEnv.port == 7001 && viaEnv.rateLimitPolicy == RateLimiter.Policy(ratePerSecond: 2.5, burst: 3))
    }

    @Test("drain_timeout: 20 s by default with a 10 s generation grace; a short bound halves the grace; out of range refused")
    func drainTimeout() async throws {
        let defaults = DaemonConfiguration()
        #expect(defaults.drainBound == .seconds(20) && defaults.generationGrace == .seconds(10))
        let long = try await Serve.parse(["--drain-timeout", "300"]).resolvedConfiguration(environment: [:])
        #expect(long.drainBound == .seconds(300) && long.generationGrace == .seconds(10))
        let short = try await Serve.parse([]).resolvedConfiguration(environment: ["GREENMARK_DRAIN_TIMEOUT": "4.5"])
        #expect(short.drainBound == .milliseconds(4_500) && short.generationGrace == .milliseconds(2_250))
        for bad in ["0.5", "3601"] {
            await #expect(throws: DaemonConfigurationError(.outOfRange, "")) {
                try await Serve.parse(["--drain-timeout", bad]).resolvedConfiguration(environment: [:])
            }
        }
    }

    @Test("malformed or out-of-range values and a missing file are errors with stable codes, not silent defaults")
    func invalidValues() async throws {
        await #expect(throws: DaemonConfigurationError(.invalidValue, "")) {
            try await Serve.parse([]).resolvedConfiguration(environment: ["GREENMARK_PORT": "http"])
        }
        await #expect(throws: DaemonConfigurationError(.invalidValue, "")) {
            try await Serve.parse([]).resolvedConfiguration(environment: ["GREENMARK_PUBLIC_DETECTION": "maybe"])
        }
        await #expect(throws: DaemonConfigurationError(.outOfRange, "")) {
            try await Serve.parse(["--port", "70000"]).resolvedConfiguration(environment: [:])
        }
        await #expect(throws: DaemonConfigurationError(.outOfRange, "")) {
            try await Serve.parse([]).resolvedConfiguration(environment: ["GREENMARK_RATE_LIMIT": "-1"])
        }
        await #expect(throws: DaemonConfigurationError(.unreadableFile, "")) {
            try await Serve.parse(["--config", "/nonexistent/greenmarkd.json"]).resolvedConfiguration(environment: [:])
        }
    }

    @Test("the real greenmarkd configured only by environment listens on GREENMARK_PORT and honours GREENMARK_PUBLIC_DETECTION")
    func environmentOnly() async throws {
        let s = try ServerTests().setup()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let port = DaemonProcess.freePort()
        let daemon = try DaemonProcess(
            arguments: [],
            environment: [
                "GREENMARK_HOME": s.home, "GREENMARK_PORT": String(port), "GREENMARK_HOST": "127.0.0.1",
                "GREENMARK_GENERATION": "false", "GREENMARK_PUBLIC_DETECTION": "true",
            ], port: port)
        #expect(await daemon.waitUntilReady(), "greenmarkd did not become ready on \(port): \(daemon.log)")
        let (status, body) = try await HTTP.request("POST", daemon.baseURL + "/v1/detect", json: ["text": ServerTests.human])
        #expect(status == 200)
        // Public detection answers with the verdict view (scores only for watermarked texts; DetectionOracleTests).
        #expect(body["verdict"] as? String == "no_watermark" && body["view"] as? String == "verdict")
        let (generate, _) = try await HTTP.request("POST", daemon.baseURL + "/v1/generate", token: s.issuer, json: ["prompt": "hi"])
        #expect(generate == 503)  // GREENMARK_GENERATION=false: vocabulary only
        daemon.terminate()
        #expect(await daemon.waitForExit() == 0)
    }
}
