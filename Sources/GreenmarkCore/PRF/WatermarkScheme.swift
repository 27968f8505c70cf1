/// The parameters that define a watermark: PRF version, green fraction gamma (green-list schemes
/// only), context width h.
public struct WatermarkScheme: Hashable, Codable, Sendable, CustomStringConvertible {
    /// A versioned PRF construction.
    public enum PRF: String, Codable, Sendable, CaseIterable {
        /// `docs/prf.md` version 1: HMAC-SHA256 over the h preceding token ids and the candidate.
        case leftHashV1 = "lefthash-v1"
        /// `docs/prf.md`, SelfHash: the candidate and its h preceding ids elect one anchor by a keyed
        /// minimum (anchored on the candidate); HMAC-SHA256 over (anchor, candidate) decides.
        case selfHashV1 = "selfhash-v1"
        /// `docs/prf.md`, gumbel-v1: distortion-free Gumbel-max sampling with keyed uniforms r_v per
        /// context (`GumbelPRF`); detected by the exact Gamma tail of S = Σ -ln(1 - r). No gamma.
        case gumbelV1 = "gumbel-v1"

        /// Whether the scheme has a green list (and so a gamma); false for gumbel-v1.
        public var hasGreenList: Bool { self != .gumbelV1 }
    }

    /// Largest context width accepted.
    public static let maximumContextWidth = 64

    public let prf: PRF
    /// Fraction of the vocabulary that is green for each context, strictly between 0 and 1; 0 for
    /// gumbel-v1, which has no green list (not applicable, and not encoded).
    public let gamma: Double
    /// Number of preceding tokens that seed the green list (h).
    public let contextWidth: Int

    /// The embedded default: gumbel-v1, h 4 (`gumbel`). Distortion-free, and fair to every key: the
    /// 99th-percentile key's false-positive rate on human text is 1.60× nominal, against 2.80× for
    /// LeftHash h 1 (`docs/results/fairness.md`).
    public static let `default` = gumbel
    /// The green-list scheme: LeftHash v1, gamma 0.25, h 1 (the default before gumbel-v1; the most
    /// robust to edits per scored position, and the one most skewed per key, `docs/prf.md`).
    public static let leftHash = try! WatermarkScheme(prf: .leftHashV1, gamma: 0.25, contextWidth: 1)
    /// The wide-context alternative: SelfHash v1, gamma 0.25, h 4 (`docs/prf.md`).
    public static let selfHash = try! WatermarkScheme(prf: .selfHashV1, gamma: 0.25, contextWidth: 4)
    /// The distortion-free scheme: gumbel-v1, h 4 (`GumbelPRF.defaultContextWidth`, `docs/prf.md`).
    public static let gumbel = try! WatermarkScheme(prf: .gumbelV1, gamma: 0, contextWidth: GumbelPRF.defaultContextWidth)

    /// Creates a scheme, validating h in 1...64 and, for green-list schemes, gamma in (0, 1). For
    /// gumbel-v1 gamma does not apply: the argument is ignored and stored as 0.
    public init(prf: PRF = .leftHashV1, gamma: Double, contextWidth: Int) throws(GreenmarkError) {
        guard !prf.hasGreenList || (gamma.isFinite && gamma > 0 && gamma < 1) else {
            throw GreenmarkError(.invalidScheme, "gamma must be strictly between 0 and 1 (got \(gamma))")
        }
        guard (1...Self.maximumContextWidth).contains(contextWidth) else {
            throw GreenmarkError(.invalidScheme, "context width h must be in 1...\(Self.maximumContextWidth) (got \(contextWidth))")
        }
        self.prf = prf
        self.gamma = prf.hasGreenList ? gamma : 0
        self.contextWidth = contextWidth
    }

    /// `floor(gamma * 2^32)`: a token is green when the MAC prefix is below this value.
    public var greenThreshold: UInt32 {
        // gamma < 1, so the product is below 2^32; binary64 multiplication by 2^32 is exact.
        UInt32((gamma * 4_294_967_296.0).rounded(.down))
    }

    public var description: String {
        prf.hasGreenList ? "\(prf.rawValue) gamma=\(gamma) h=\(contextWidth)" : "\(prf.rawValue) h=\(contextWidth)"
    }

    private enum CodingKeys: String, CodingKey {
        case prf, gamma
        case contextWidth = "h"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let prf = try c.decode(PRF.self, forKey: .prf)
        // gumbel-v1 has no gamma: none is required, and one that is present is ignored.
        try self.init(
            prf: prf,
            gamma: prf.hasGreenList ? c.decode(Double.self, forKey: .gamma) : 0,
            contextWidth: c.decode(Int.self, forKey: .contextWidth)
        )
    }

    /// Encodes `{"prf", "gamma", "h"}`, without "gamma" for gumbel-v1.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(prf, forKey: .prf)
        if prf.hasGreenList { try c.encode(gamma, forKey: .gamma) }
        try c.encode(contextWidth, forKey: .contextWidth)
    }
}
