/// An error with a stable machine-readable code and a human reason, compared by code (after
/// swift-certificates' `CertificateError`), so tests and APIs match on codes, never on wording.
public protocol CodedError: Error, Hashable, CustomStringConvertible, Sendable {
    associatedtype Code: RawRepresentable & Hashable & Sendable where Code.RawValue == String
    var code: Code { get }
    var reason: String { get }
}

extension CodedError {
    public var description: String { "\(reason) [\(code.rawValue)]" }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
