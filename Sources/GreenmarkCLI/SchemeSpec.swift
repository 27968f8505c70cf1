import ArgumentParser
import GreenmarkCore

/// `prf:h` scheme specifications on the evaluation commands (`--schemes lefthash-v1:1 gumbel-v1:4`),
/// each at the default gamma where the PRF has a green list.
enum SchemeSpec {
    /// The schemes `specs` name; a malformed one is a validation error that names the accepted PRFs.
    static func parse(_ specs: [String]) throws -> [WatermarkScheme] {
        try specs.map { spec in
            let parts = spec.split(separator: ":")
            guard parts.count == 2, let prf = WatermarkScheme.PRF(rawValue: String(parts[0])), let h = Int(parts[1]) else {
                throw ValidationError("scheme '\(spec)' is not prf:h with prf one of \(WatermarkScheme.PRF.allCases.map(\.rawValue))")
            }
            return try WatermarkScheme(prf: prf, gamma: WatermarkScheme.leftHash.gamma, contextWidth: h)
        }
    }
}
