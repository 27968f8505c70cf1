import ArgumentParser
import Foundation
import GreenmarkServer

/// `greenmarkd`: the verification and stamping daemon.
@main
struct Greenmarkd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greenmarkd",
        abstract: "Greenmark's HTTP daemon: detection, certificates and trust over a JSON API.",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )
}
