import Foundation
import GreenmarkCrypto
import GreenmarkTransparency
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
        // With a master key configured, plaintext files are refused until `keys seal` takes them in.
        let refused = try CLIProcess.run(["keys", "list", "--home", home.path], environment: env)
        #expect(
            refused.status == 1 && refused.stderr.contains("secrets.plaintext_refused") && refused.stderr.contains("keys seal"), "\(refused.stderr)")
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
        let trust = try CLIProcess.run(["trust", "show", "--home", home.path])  // public files need no key
        #expect(trust.status == 0, "\(trust.stderr)")
    }

    @Test(
        "sealed means sealed: an attacker's plaintext keyring.json copied over the sealed one is refused by keys rotate and detect, never loaded nor re-sealed; keys seal still migrates it"
    )
    func plaintextSwapRefused() throws {
        let home = try TemporaryHome(initialized: false)
        let keyFile = temporaryPath("mk")
        defer { unlink(keyFile) }
        #expect(try CLIProcess.run(["keys", "master-key", "--out", keyFile]).status == 0)
        let env = ["GREENMARK_MASTER_KEY_FILE": keyFile]
        for args in [["keys", "init"], ["trust", "init"]] {
            let r = try CLIProcess.run(args + ["--home", home.path], environment: env)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        // The attacker's own keyring, in plaintext, replaces the sealed file (mode 0600, as the stores want).
        let attacker = try TemporaryHome()
        let path = home.path + "/keyring.json"
        let forged = try Data(contentsOf: URL(fileURLWithPath: attacker.path + "/keyring.json"))
        try forged.write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        let attackerKey = try #require(String(decoding: forged, as: UTF8.self).firstMatch(of: /"id" : "(wk-[0-9a-f]+)"/)?.output.1)

        for args in [["keys", "rotate"], ["keys", "list"], ["keys", "add"], ["detect", CLIProcess.fixture("gettysburg.txt")]] {
            let r = try CLIProcess.run(args + ["--home", home.path], environment: env)
            #expect(r.status == 1 && r.stderr.contains("secrets.plaintext_refused") && r.stderr.contains("keys seal"), "\(args): \(r.stderr)")
            #expect(!r.stdout.contains(attackerKey), "\(args) printed the injected key id")
        }
        // Never re-sealed, never changed: the injected key was not laundered.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == forged)
        #expect(!String(decoding: forged, as: UTF8.self).contains("greenmark-sealed-v1"))

        // The one way in is the explicit migration, run by the administrator.
        let sealed = try CLIProcess.run(["keys", "seal", "--home", home.path], environment: env)
        #expect(sealed.status == 0 && sealed.stdout.contains("Sealed \(path)"), "\(sealed.stderr)")
        let list = try CLIProcess.run(["keys", "list", "--home", home.path], environment: env)
        #expect(list.status == 0 && list.stdout.contains(attackerKey), "\(list.stderr)")
    }

    @Test(
        "master-key rotation: keys seal --previous-key-file re-seals all three secret files; only the new key opens them; a rerun skips them; without the old key nothing is rewritten"
    )
    func masterKeyRotation() throws {
        let home = try TemporaryHome(initialized: false)
        let oldFile = temporaryPath("mk-old")
        let newFile = temporaryPath("mk-new")
        let strayFile = temporaryPath("mk-stray")
        defer { for f in [oldFile, newFile, strayFile] { unlink(f) } }
        for f in [oldFile, newFile, strayFile] { #expect(try CLIProcess.run(["keys", "master-key", "--out", f]).status == 0) }
        let oldKey = try MasterKey.load(file: oldFile)
        let newKey = try MasterKey.load(file: newFile)
        let oldEnv = ["GREENMARK_MASTER_KEY_FILE": oldFile]
        let newEnv = ["GREENMARK_MASTER_KEY_FILE": newFile]
        for args in [["keys", "init"], ["trust", "init"], ["keys", "rotate"]] {
            let r = try CLIProcess.run(args + ["--home", home.path], environment: oldEnv)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        let logKey = try LogKey.loadOrCreate(directory: home.path, masterKey: .key(oldKey))
        let files = ["keyring.json", "signing.json", LogKey.fileName].map { home.path + "/" + $0 }
        func sealedUnder() -> [String?] { files.map { FileManager.default.contents(atPath: $0).flatMap { SealedFile.masterKeyID(of: $0) } } }
        #expect(sealedUnder() == [oldKey.id, oldKey.id, oldKey.id])
        let keysBefore = try CLIProcess.run(["keys", "list", "--home", home.path], environment: oldEnv)
        #expect(keysBefore.status == 0)

        // Without the previous key, or with the wrong one: refused before any file is rewritten.
        let bytesBefore = files.map { FileManager.default.contents(atPath: $0) }
        let noPrevious = try CLIProcess.run(["keys", "seal", "--home", home.path], environment: newEnv)
        #expect(
            noPrevious.status == 1 && noPrevious.stderr.contains("secrets.wrong_master_key") && noPrevious.stderr.contains("--previous-key-file"),
            "\(noPrevious.stderr)")
        let stray = try CLIProcess.run(["keys", "seal", "--home", home.path, "--previous-key-file", strayFile], environment: newEnv)
        #expect(stray.status == 1 && stray.stderr.contains("secrets.wrong_master_key"), "\(stray.stderr)")
        #expect(files.map { FileManager.default.contents(atPath: $0) } == bytesBefore)

        let rotated = try CLIProcess.run(["keys", "seal", "--home", home.path, "--previous-key-file", oldFile], environment: newEnv)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdout.components(separatedBy: "Re-sealed").count == 4, "\(rotated.stdout)")
        #expect(sealedUnder() == [newKey.id, newKey.id, newKey.id])
        for file in files {
            var st = stat()
            #expect(stat(file, &st) == 0 && st.st_mode & 0o777 == 0o600, "\(file)")
        }
        // Same keys under the new master key; the old one no longer opens anything.
        let keysAfter = try CLIProcess.run(["keys", "list", "--home", home.path], environment: newEnv)
        #expect(keysAfter.status == 0 && keysAfter.stdout == keysBefore.stdout, "\(keysAfter.stderr)")
        #expect(try LogKey.loadOrCreate(directory: home.path, masterKey: .key(newKey)).verifierKey == logKey.verifierKey)
        let oldOpens = try CLIProcess.run(["keys", "list", "--home", home.path], environment: oldEnv)
        #expect(oldOpens.status == 1 && oldOpens.stderr.contains("secrets.wrong_master_key"))
        #expect(try CLIProcess.run(["trust", "rotate-issuer", "--home", home.path], environment: newEnv).status == 0)

        let rerun = try CLIProcess.run(["keys", "seal", "--home", home.path, "--previous-key-file", oldFile], environment: newEnv)
        #expect(rerun.status == 0 && rerun.stdout.components(separatedBy: "sealed already").count == 4, "\(rerun.stdout) \(rerun.stderr)")
    }
}
