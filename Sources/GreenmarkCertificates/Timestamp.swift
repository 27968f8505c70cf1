import Foundation

/// RFC 3339 UTC timestamps with whole seconds ("2026-11-29T01:02:03Z"), the only time format in
/// signed content.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    /// Parses the strict form above; nil for anything else.
    public static func parse(_ string: String) -> Date? {
        guard string.hasSuffix("Z"), string.count == 20 else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: string)
    }
}
