import ArgumentParser

/// Options shared by the daemon's commands. Options have no defaults here, so that an option
/// left off the command line falls through to the environment and the configuration file.
struct DaemonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Greenmark home (default: $GREENMARK_HOME, else ./keys).", valueName: "dir")) var home: String?
    @Option(
        help: ArgumentHelp(
            "Registry: an SQLite file (default: HOME/registry.sqlite) or a postgresql:// URI without a password "
                + "(give it in PGPASSWORD, ~/.pgpass, $GREENMARK_DATABASE or the config file).",
            valueName: "path-or-uri"))
    var database: String?
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "JSON configuration file (default: $GREENMARK_CONFIG); command line and environment override it.",
            valueName: "file"))
    var configFile: String?

    init() {}
}
