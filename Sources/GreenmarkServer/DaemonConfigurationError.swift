import GreenmarkCrypto

/// A configuration value for `greenmarkd serve` that is unreadable or out of range, with a stable code.
public struct DaemonConfigurationError: CodedError {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The configuration file is missing or not valid JSON.
        public static let unreadableFile = Code(rawValue: "config.unreadable_file")
        /// A value has the wrong type (for example `GREENMARK_PORT=http`).
        public static let invalidValue = Code(rawValue: "config.invalid_value")
        /// A value has the right type but is out of range (for example port 0).
        public static let outOfRange = Code(rawValue: "config.out_of_range")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
