import Foundation

/// A JSON value as `StrictJSONParser` reads it: a document that passed the Greenmark JSON profile,
/// so every number is an integer of magnitude below 2^53 and no object repeats a member name.
enum JSONValue: Sendable {
    case object(JSONObject)
    case array([JSONValue])
    case string(String)
    case integer(Int)
    /// A number outside the profile, as its text: only in documents read with `Rules.anyNumber`.
    case number(String)
    case bool(Bool)
    case null

    /// The object, if this is one.
    var object: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The string, if this is one.
    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Whether this is `null`.
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value as `JSONSerialization` gives it: `[String: Any]`, `[Any]`, `String`, `NSNumber`
    /// (integers and booleans) or `NSNull`.
    var foundationValue: Any {
        switch self {
        case .object(let o): o.dictionary
        case .array(let a): a.map(\.foundationValue)
        case .string(let s): s
        case .integer(let n): NSNumber(value: n)
        case .number(let text): NSNumber(value: Double(text) ?? .nan)
        case .bool(let b): NSNumber(value: b)
        case .null: NSNull()
        }
    }
}

/// A JSON object's members in document order (no two with the same name: the parser refuses them).
struct JSONObject: Sendable {
    let members: [(name: String, value: JSONValue)]

    /// The first member whose name equals `name` (Swift string equality, as `JSONDecoder` looks names up).
    subscript(name: String) -> JSONValue? {
        for member in members where member.name == name { return member.value }
        return nil
    }

    /// The member names as a set (as the keys of the dictionary `JSONSerialization` builds).
    var names: Set<String> { Set(members.map(\.name)) }

    /// Whether the member names are exactly `names`.
    func hasExactly(_ names: Set<String>) -> Bool {
        members.count >= names.count && self.names == names
    }

    /// Whether the members are exactly `names`, each a string.
    func hasExactlyStrings(_ names: Set<String>) -> Bool {
        hasExactly(names) && members.allSatisfy { $0.value.string != nil }
    }

    /// The object as `JSONSerialization` gives it (a later member replaces an equal name, as there).
    var dictionary: [String: Any] {
        var d: [String: Any] = [:]
        d.reserveCapacity(members.count)
        for member in members { d[member.name] = member.value.foundationValue }
        return d
    }
}
