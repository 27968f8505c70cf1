import Foundation
import GreenmarkTestSupport
import Testing

/// The container definition, checked without a Docker engine: the runtime stage covers every
/// shared library the built binaries link (ldd, via scripts/runtime-libs.sh), runs as a non-root
/// user, checks /readyz, and builds with the same bootstrap script as CI.
@Suite("Dockerfile (checked with ldd; no Docker engine here)")
struct DockerfileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func runtimeLibs(dockerfile: String) throws -> (status: Int32, output: String) {
        try Subprocess.run(
            "/bin/bash",
            [
                Self.root.appendingPathComponent("scripts/runtime-libs.sh").path, DaemonProcess.executable.path,
                DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("greenmark").path,
            ],
            environment: ["DOCKERFILE": dockerfile])
    }

    @Test("the runtime stage's packages cover every library greenmarkd and greenmark link; removing one is caught")
    func libraries() throws {
        let dockerfile = Self.root.appendingPathComponent("Dockerfile").path
        let ok = try runtimeLibs(dockerfile: dockerfile)
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.output.contains("(libsqlite3-0)") && ok.output.contains("(libssl3)"))
        let text = try String(contentsOfFile: dockerfile, encoding: .utf8)
        #expect(ok.output.contains("(libpq5)"))
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("Dockerfile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: broken) }
        // Dropping SQLite, or libpq (and with it the libraries only libpq's dependencies bring), is caught.
        for (packages, missing) in [("libssl3 libpq5", "libsqlite3"), ("libssl3 libsqlite3-0", "libpq.so.5")] {
            try text.replacingOccurrences(of: "ARG RUNTIME_PACKAGES=\"libssl3 libsqlite3-0 libpq5\"", with: "ARG RUNTIME_PACKAGES=\"\(packages)\"")
                .write(to: broken, atomically: true, encoding: .utf8)
            let bad = try runtimeLibs(dockerfile: broken.path)
            #expect(bad.status == 1)
            #expect(bad.output.contains("NOT IN DOCKERFILE") && bad.output.contains(missing), "\(bad.output)")
        }
    }

    @Test("multi-stage, non-root, health check on /readyz, same bootstrap script, both binaries and the model")
    func structure() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("FROM ") }.count == 2)
        #expect(lines.contains { $0.hasPrefix("USER ") && !$0.contains("root") })
        #expect(text.contains("HEALTHCHECK") && text.contains("/readyz"))
        #expect(text.contains("GREENMARK_BOOTSTRAP_PROFILE=runtime") && text.contains("bash scripts/bootstrap.sh"))
        #expect(text.contains("greenmarkd") && text.contains("/usr/local/share/greenmark/models"))
        #expect(text.contains("GREENMARK_HOST=0.0.0.0"))
    }

    @Test("the runtime stage copies greenmarkd's resource bundle beside the binary; the built bundle holds the pages as real files")
    func resourceBundle() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let bundle = "greenmark_GreenmarkServer.resources"
        #expect(text.contains("COPY --from=build /src/.build/release/\(bundle) /usr/local/bin/\(bundle)"))
        // The bundle the build put beside greenmarkd: what the Dockerfile copies, so no symlink into the source tree.
        let built = DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent(bundle)
        let web = Self.root.appendingPathComponent("Sources/GreenmarkServer/Resources/web")
        let sources =
            ["essay.html", "essay.css", "essay.js"].map { ($0, web.appendingPathComponent($0)) }
            + [("verify.html", Self.root.appendingPathComponent("certs/verify.html"))]
        for (name, source) in sources {
            let file = built.appendingPathComponent(name)
            let type = try FileManager.default.attributesOfItem(atPath: file.path)[.type] as? FileAttributeType
            #expect(type == .typeRegular, "\(name) in \(bundle) is \(type.map { "\($0)" } ?? "missing"), not a regular file")
            #expect(try Data(contentsOf: file) == Data(contentsOf: source), "\(name) in \(bundle) differs from its source")
        }
    }
}
