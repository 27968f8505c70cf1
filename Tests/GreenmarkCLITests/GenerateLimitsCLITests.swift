import Foundation
import Testing

/// `greenmark generate` refuses stop strings beyond the limits with the API's codes, before it
/// loads the keyring or the model.
@Suite("greenmark generate: stop-string limits")
struct GenerateLimitsCLITests {
    @Test(
        "more than 16 stop strings, or one over 1,024 characters: exit 1 with [generation.too_many_stops] / [generation.stop_too_long], before loading anything"
    )
    func stopLimits() throws {
        let missing = try TemporaryHome(initialized: false)  // no keyring: reached only after the check
        let many = Array(repeating: ["--stop", "x"], count: 17).flatMap { $0 }
        let r1 = try CLIProcess.run(["generate", "--home", missing.path, "--prompt", "hi"] + many)
        #expect(r1.status == 1 && r1.stderr.contains("[generation.too_many_stops]"), "\(r1.stderr)")
        let r2 = try CLIProcess.run(["generate", "--home", missing.path, "--prompt", "hi", "--stop", String(repeating: "y", count: 1_025)])
        #expect(r2.status == 1 && r2.stderr.contains("[generation.stop_too_long]"), "\(r2.stderr)")
        // Within the limits the next check is the keyring's.
        let r3 = try CLIProcess.run(["generate", "--home", missing.path, "--prompt", "hi"] + Array(many.dropFirst(2)))
        #expect(r3.status == 1 && r3.stderr.contains("[keyring.missing]"), "\(r3.stderr)")
    }
}
