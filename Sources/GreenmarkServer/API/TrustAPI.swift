import GreenmarkCertificates
import GreenmarkCore
import Hummingbird

/// `docs/openapi.yaml`, schema `Trust`: the newest chained trusted root and the daemon's root key.
struct TrustResponse: ResponseEncodable {
    let trustedRoot: TrustedRoot
    let rootKey: RootKeyFile

    enum CodingKeys: String, CodingKey {
        case trustedRoot = "trusted_root"
        case rootKey = "root_key"
    }
}

/// `docs/openapi.yaml`, schema `Disclosures`: every disclosed watermark key.
struct DisclosuresResponse: ResponseEncodable {
    let disclosedKeys: [DisclosedKey]

    enum CodingKeys: String, CodingKey {
        case disclosedKeys = "disclosed_keys"
    }
}

/// `docs/openapi.yaml`, schema `DisclosedKey`: one disclosure (`greenmark-disclosed-key-v1`).
extension DisclosedKey: ResponseEncodable {}
