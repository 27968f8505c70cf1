/// An error with a stable machine-readable code and a human reason, compared by code (after
/// swift-certificates' `CertificateError`), so tests and APIs match on codes, never on wording.
///
/// `Code` is a closed enum of strings (`enum Code: String, CaseIterable, Sendable`): every code an
/// error type can carry is a case, so `docs/error-codes.md` lists them all (`Code.allCases`) and a
/// code string that no case names does not compile.
public protocol CodedError: Error, Hashable, CustomStringConvertible, Sendable {
    associatedtype Code: RawRepresentable & CaseIterable & Hashable & Sendable where Code.RawValue == String
    var code: Code { get }
    var reason: String { get }
    init(_ code: Code, _ reason: String)
}

extension CodedError {
    public var description: String { "\(reason) [\(code.rawValue)]" }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Every code of this error type, as strings, in declaration order.
    public static var allCodes: [String] { Code.allCases.map(\.rawValue) }

    /// `error`, a failure of a lower layer (a `CryptoError` of a sealed file or the master key, a
    /// `FileError` of the home lock), as this type under the same code: stores pass such failures
    /// on unchanged (`secrets.wrong_master_key` stays `secrets.wrong_master_key`). Every code of
    /// `CryptoError.relayedCodes` and `FileError.relayedCodes` is a case of each relaying type
    /// (checked by `ErrorCodeCatalogTests`); `fallback` covers any other code. `reason` defaults to
    /// `error`'s.
    public init(relaying error: some CodedError, else fallback: Code, _ reason: String? = nil) {
        self.init(Code(rawValue: error.code.rawValue) ?? fallback, reason ?? error.reason)
    }
}
