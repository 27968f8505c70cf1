import Foundation
import PackagePlugin

/// Puts `certs/verify.html`, the offline certificate checker, into the server's resource bundle.
///
/// The page stays one self-contained file in `certs/` (users download it and open it offline), and
/// greenmarkd serves that very file at `/verify`: this build step copies its bytes into the
/// plugin's output directory, and SwiftPM adds the generated file to `GreenmarkServer`'s
/// resources (`greenmark_GreenmarkServer.resources/verify.html`, a real file, so the bundle can be
/// copied elsewhere, as the Dockerfile does). The copy is redone whenever `certs/verify.html`
/// changes; nothing generated is kept in the source tree. (A symlink among the resources would not
/// do: SwiftPM copies a symlink as a symlink, which dangles once the bundle is moved.)
@main
struct VerifyPageResource: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let page = context.package.directoryURL.appending(path: "certs/verify.html")
        let copy = context.pluginWorkDirectoryURL.appending(path: "verify.html")
        return [
            .buildCommand(
                displayName: "Copying certs/verify.html into the server's resources",
                executable: URL(fileURLWithPath: "/bin/cp"), arguments: [page.path, copy.path],
                inputFiles: [page], outputFiles: [copy])
        ]
    }
}
