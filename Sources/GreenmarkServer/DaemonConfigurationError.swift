import GreenmarkCrypto

/// A configuration value for `greenmarkd serve` that is unreadable or out of range, with a stable code.
public struct DaemonConfigurationError: CodedError {
    /// Stable machine-readable codes; equality of errors is equality of codes.
    public enum Code: String, CaseIterable, Sendable {
        /// The configuration file is missing or not valid JSON.
        case unreadableFile = "config.unreadable_file"
        /// A value has the wrong type (for example `GREENMARK_PORT=http`).
        case invalidValue = "config.invalid_value"
        /// A value has the right type but is out of range (for example port 0).
        case outOfRange = "config.out_of_range"
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) { (self.code, self.reason) = (code, reason) }
}
