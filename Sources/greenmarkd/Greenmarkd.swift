import ArgumentParser

/// `greenmarkd`: the verification and stamping daemon. This executable owns the command line
/// (`Serve`, `DaemonOptions`); what the daemon does with the settings is `GreenmarkDaemon.run`.
@main
struct Greenmarkd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greenmarkd",
        abstract: "Greenmark's HTTP daemon: detection, certificates and trust over a JSON API.",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )
}
