import Foundation

extension JSONEncoder {
    /// Sorted keys, ISO 8601 dates: the API's JSON.
    static var api: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }
}
