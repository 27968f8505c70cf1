/// The top-level members of a JSON request body that carries a certificate, read in one strict
/// pass (`StrictJSONParser` with relaxed rules): RFC 8259 JSON in UTF-8, one object, any number,
/// nesting at most `maximumDepth`, no member name repeated in any object except inside the value
/// of the opaque member, whose exact bytes the caller takes by span (the certificate verifier
/// judges them itself, as `greenmark verify` judges a file).
public struct JSONTopLevel: Sendable {
    /// Why a body is not one: a syntax failure (with a phrase that completes "the request body …")
    /// or a member name repeated outside the opaque member.
    public enum Failure: Error, Equatable, Sendable {
        case syntax(String)
        case duplicate(String)
    }

    /// The byte span of each member's value in the body.
    public let spans: [String: Range<Int>]
    private let object: JSONObject

    /// Reads `bytes`, leaving the member named `opaque` unchecked for repeated names.
    public init(_ bytes: [UInt8], opaque: String, maximumDepth: Int) throws(Failure) {
        let rules = StrictJSONParser.Rules(anyNumber: true, maximumDepth: maximumDepth, opaqueMember: opaque)
        let result: Result<(value: JSONValue, spans: [String: Range<Int>]), StrictJSONParser.Failure> = bytes.withUnsafeBufferPointer {
            do throws(StrictJSONParser.Failure) { return .success(try StrictJSONParser.parse($0, rules: rules)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let (value, spans)):
            // The parser returns an object for a body that starts with `{`.
            self.object = value.object ?? JSONObject(members: [])
            self.spans = spans
        case .failure(.syntax(let why)): throw .syntax(why)
        case .failure(.duplicate(let name)): throw .duplicate(name)
        }
    }

    /// The member's decoded string: nil when it is missing or not a string.
    public func string(_ name: String) -> String? { object[name]?.string }

    /// Whether the member's value is a JSON object.
    public func isObject(_ name: String) -> Bool { object[name]?.object != nil }
}
