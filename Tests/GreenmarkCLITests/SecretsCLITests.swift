import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `greenmark keys master-key` and `keys seal`, and every command on a sealed home.
@Suite("Secrets at rest through the CLI")
struct SecretsCLITests {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gm-\(name)-\(UUID().uuidString)").path
    }

    @Test("master-key creates a 0600 file and never overwrites; init, rotate, list and trust run sealed; without the key they fail clearly")
    func sealedHome() throws {
        let home = try TemporaryHome(initialized: false)
        let keyFile = temporaryPath("mk")
        defer { unlink(keyFile) }
        let created = try CLIProcess.run(["keys", "master-key", "--out", keyFile])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("mk-"))
        var st = stat()
        #expect(stat(keyFile, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let again = try CLIProcess.run(["keys", "master-key", "--out", keyFile])
        #expect(again.status == 1 && again.stderr.contains("secrets.master_key_invalid") && again.stderr.contains("refusing to overwrite"))

        let env = ["GREENMARK_MASTER_KEY_FILE": keyFile]
        for args in [["keys", "init"], ["trust", "init"], ["keys", "rotate"], ["keys", "list"], ["trust", "rotate-issuer"]] {
            let r = try CLIProcess.run(args + ["--home", home.path], environment: env)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        for file in ["keyring.json", "signing.json"] {
            let text = try String(contentsOfFile: home.path + "/" + file, encoding: .utf8)
            #expect(text.contains("\"format\":\"greenmark-sealed-v1\""), "\(file) is not sealed")
        }
        let sealAgain = try CLIProcess.run(["keys", "seal", "--home", home.path], environment: env)
        #expect(sealAgain.status == 0 && sealAgain.stdout.contains("sealed already"), "\(sealAgain.stderr)")

        let missing = try CLIProcess.run(["keys", "list", "--home", home.path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("secrets.master_key_required") && missing.stderr.contains("GREENMARK_MASTER_KEY_FILE"))
        let otherFile = temporaryPath("mk2")
        defer { unlink(otherFile) }
        #expect(try CLIProcess.run(["keys", "master-key", "--out", otherFile]).status == 0)
        let wrong = try CLIProcess.run(["trust", "rotate-issuer", "--home", home.path], environment: ["GREENMARK_MASTER_KEY_FILE": otherFile])
        #expect(wrong.status == 1 && wrong.stderr.contains("secrets.wrong_master_key"), "\(wrong.stderr)")

        chmod(keyFile, 0o644)
        let open = try CLIProcess.run(["keys", "list", "--home", home.path], environment: env)
        #expect(open.status == 1 && open.stderr.contains("secrets.master_key_insecure_permissions"), "\(open.stderr)")
    }

    @Test("keys seal migrates a plaintext home (keyring and signing keys), which then needs the key; without a key it says what to set")
    func sealMigration() throws {
        let home = try TemporaryHome()
        #expect(try CLIProcess.run(["trust", "init", "--home", home.path]).status == 0)
        let noKey = try CLIProcess.run(["keys", "seal", "--home", home.path])
        #expect(noKey.status == 1 && noKey.stderr.contains("secrets.master_key_required") && noKey.stderr.contains("GREENMARK_MASTER_KEY"))
        let keyFile = temporaryPath("mk")
        defer { unlink(keyFile) }
        #expect(try CLIProcess.run(["keys", "master-key", "--out", keyFile]).status == 0)
        let env = ["GREENMARK_MASTER_KEY_FILE": keyFile]
        // Plaintext files load while a master key is configured.
        #expect(try CLIProcess.run(["keys", "list", "--home", home.path], environment: env).status == 0)
        let sealed = try CLIProcess.run(["keys", "seal", "--home", home.path], environment: env)
        #expect(sealed.status == 0, "\(sealed.stderr)")
        #expect(sealed.stdout.contains("Sealed \(home.path)/keyring.json") && sealed.stdout.contains("Sealed \(home.path)/signing.json"))
        for file in ["keyring.json", "signing.json"] {
            var st = stat()
            #expect(stat(home.path + "/" + file, &st) == 0 && st.st_mode & 0o777 == 0o600)
        }
        #expect(try CLIProcess.run(["keys", "list", "--home", home.path]).status == 1)
        // The inline variable works too.
        let inline = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try CLIProcess.run(["keys", "list", "--home", home.path], environment: ["GREENMARK_MASTER_KEY": inline]).status == 0)
        let trust = try CLIProcess.run(["trust", "show", "--home", home.path])   // public files need no key
        #expect(trust.status == 0, "\(trust.stderr)")
    }
}
