import ArgumentParser
import GreenmarkCore

extension WatermarkScheme.PRF: ExpressibleByArgument {}

/// `--prf`, `--gamma` and `--context-width`: the scheme of a new watermark key.
struct SchemeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Green-list PRF: lefthash-v1 (default) or selfhash-v1 (docs/prf.md).", valueName: "prf"))
    var prf: WatermarkScheme.PRF?
    @Option(help: "Green-list fraction gamma, in (0, 1).") var gamma: Double?
    @Option(
        name: .customLong("context-width"),
        help: "Context width h (preceding tokens that seed each green list; 1 for lefthash-v1, 4 for selfhash-v1 by default).")
    var contextWidth: Int?

    /// Whether any option was given.
    var isEmpty: Bool { prf == nil && gamma == nil && contextWidth == nil }

    /// The scheme: each option given overrides `base`; switching to SelfHash without `--context-width` picks h = 4.
    func scheme(base: WatermarkScheme) throws(GreenmarkError) -> WatermarkScheme {
        let prf = prf ?? base.prf
        let width = contextWidth ?? (prf == base.prf ? base.contextWidth : (prf == .selfHashV1 ? WatermarkScheme.selfHash.contextWidth : 1))
        return try WatermarkScheme(prf: prf, gamma: gamma ?? base.gamma, contextWidth: width)
    }
}
