import Hummingbird

/// `docs/openapi.yaml`, schema `Status`: the answer of `/healthz` and `/readyz`.
struct StatusResponse: ResponseEncodable {
    let status: String
    var detail: [String: String] = [:]
}
