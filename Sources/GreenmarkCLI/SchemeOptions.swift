import ArgumentParser
import GreenmarkCore

extension WatermarkScheme.PRF: ExpressibleByArgument {}

/// `--prf`, `--gamma` and `--context-width`: the scheme of a new watermark key.
struct SchemeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Scheme PRF: gumbel-v1 (default; distortion-free), lefthash-v1 or selfhash-v1 (green lists; docs/prf.md).", valueName: "prf"))
    var prf: WatermarkScheme.PRF?
    @Option(help: "Green-list fraction gamma, in (0, 1) (not for gumbel-v1, which has no green list).") var gamma: Double?
    @Option(
        name: .customLong("context-width"),
        help: "Context width h (preceding tokens that key each draw; 1 for lefthash-v1, 4 for selfhash-v1 and gumbel-v1 by default).")
    var contextWidth: Int?

    /// Whether any option was given.
    var isEmpty: Bool { prf == nil && gamma == nil && contextWidth == nil }

    /// The scheme: each option given overrides `base`; switching to SelfHash or gumbel-v1 without
    /// `--context-width` picks h = 4. `--gamma` with gumbel-v1 is refused (it has no green list).
    func scheme(base: WatermarkScheme) throws(GreenmarkError) -> WatermarkScheme {
        let prf = prf ?? base.prf
        if !prf.hasGreenList, let gamma {
            let hint = self.prf == nil ? " (the default scheme); add --prf lefthash-v1 or selfhash-v1 for a green list" : ""
            throw GreenmarkError(.invalidScheme, "--gamma \(gamma) does not apply to \(prf.rawValue), which has no green list\(hint)")
        }
        let switched: Int
        switch prf {
        case .leftHashV1: switched = 1
        case .selfHashV1: switched = WatermarkScheme.selfHash.contextWidth
        case .gumbelV1: switched = WatermarkScheme.gumbel.contextWidth
        }
        let width = contextWidth ?? (prf == base.prf ? base.contextWidth : switched)
        let baseGamma = base.prf.hasGreenList ? base.gamma : WatermarkScheme.leftHash.gamma
        return try WatermarkScheme(prf: prf, gamma: gamma ?? baseGamma, contextWidth: width)
    }
}
