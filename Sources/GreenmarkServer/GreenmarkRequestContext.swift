import Foundation
import GreenmarkStorage
import Hummingbird
import NIOCore

/// Per-request data: the authenticated principal, set by `AuthMiddleware`, and the client address.
public struct GreenmarkRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token that authenticated this request, if any.
    public var principal: TokenRecord?
    /// The peer of the connection (for rate limits of requests without a token).
    public let remoteAddress: SocketAddress?
    /// The connection, watched while a generation runs for it (`ClientWatch`).
    let channel: any Channel

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The client's IP address (or socket path), without the port.
    var clientAddress: String? { remoteAddress.flatMap { $0.ipAddress ?? $0.pathname } }

    /// Request bodies above 4 MiB are refused with 413.
    public var maxUploadSize: Int { 4 << 20 }

    /// JSON responses with sorted keys: the same content is the same bytes from every daemon and
    /// every run (dictionary order is seeded per process), so responses can be compared and cached.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    /// The token a `RoleMiddleware` admitted (401 when there is none, which it refused already).
    func authenticated() throws -> TokenRecord {
        guard let principal else { throw APIError.unauthorized }
        return principal
    }

    /// Throws 401/403 unless the request carries a token with at least `role`.
    func require(_ role: Role) throws -> TokenRecord {
        guard let principal else { throw APIError.unauthorized }
        guard principal.role >= role else {
            throw APIError(.forbidden, code: .forbidden, "this route needs the \(role.rawValue) role; the token has \(principal.role.rawValue)")
        }
        return principal
    }
}
