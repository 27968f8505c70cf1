/// Decodes `Decodable` types from a parsed `JSONValue` as `JSONDecoder` decodes them from the same
/// bytes (default strategies): strings only from strings, integers only from integers that fit the
/// type, booleans only from `true`/`false`; `decodeIfPresent` treats `null` as absent; members a
/// type does not name are ignored. Any other request fails, so untrusted input never traps.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, codingPath: [any CodingKey] = []) {
        self.value = value
        self.codingPath = codingPath
    }

    /// `type` decoded from `value`, or nil.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) -> T? {
        try? T(from: JSONValueDecoder(value))
    }

    static func mismatch(_ type: Any.Type, _ path: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path, debugDescription: "wrong JSON type"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw Self.mismatch([String: Any].self, codingPath) }
        return KeyedDecodingContainer(Keyed<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw Self.mismatch([Any].self, codingPath) }
        return Unkeyed(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(value: value, codingPath: codingPath) }

    /// A scalar from `value`: `String`, `Bool` or a fixed-width integer; anything else (floating
    /// point, `Data`, `Date`, …) is refused, since Greenmark documents have none.
    static func scalar<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ path: [any CodingKey]) throws -> T {
        switch value {
        case .string(let s): if let v = s as? T { return v }
        case .bool(let b): if let v = b as? T { return v }
        case .integer(let n):
            if let t = type as? any FixedWidthInteger.Type {
                guard let v = t.init(exactly: n) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "number does not fit \(type)"))
                }
                if let v = v as? T { return v }
            }
        default: break
        }
        if type == String.self || type == Bool.self || type is any FixedWidthInteger.Type { throw mismatch(type, path) }
        return try T(from: JSONValueDecoder(value, codingPath: path))
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: JSONObject
        let codingPath: [any CodingKey]

        var allKeys: [Key] { object.members.compactMap { Key(stringValue: $0.name) } }

        func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

        private func member(_ key: Key) throws -> JSONValue {
            guard let v = object[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing member"))
            }
            return v
        }

        func decodeNil(forKey key: Key) throws -> Bool { try member(key).isNull }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try JSONValueDecoder.scalar(type, try member(key), codingPath + [key])
        }

        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            guard case .string(let s) = try member(key) else { throw JSONValueDecoder.mismatch(type, codingPath + [key]) }
            return s
        }

        func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
            guard case .integer(let n) = try member(key) else { throw JSONValueDecoder.mismatch(type, codingPath + [key]) }
            return n
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
            guard case .bool(let b) = try member(key) else { throw JSONValueDecoder.mismatch(type, codingPath + [key]) }
            return b
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try JSONValueDecoder(try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try JSONValueDecoder(try member(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { throw JSONValueDecoder.mismatch(Any.self, codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw JSONValueDecoder.mismatch(Any.self, codingPath) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let elements: [JSONValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0

        init(elements: [JSONValue], codingPath: [any CodingKey]) {
            self.elements = elements
            self.codingPath = codingPath
        }

        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        private mutating func next(_ type: Any.Type) throws -> JSONValue {
            guard !isAtEnd else { throw DecodingError.valueNotFound(type, .init(codingPath: codingPath, debugDescription: "array at end")) }
            defer { currentIndex += 1 }
            return elements[currentIndex]
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, elements[currentIndex].isNull else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONValueDecoder.scalar(type, try next(type), codingPath)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try JSONValueDecoder(try next([String: Any].self), codingPath: codingPath).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try JSONValueDecoder(try next([Any].self), codingPath: codingPath).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder { throw JSONValueDecoder.mismatch(Any.self, codingPath) }
    }

    struct Single: SingleValueDecodingContainer {
        let value: JSONValue
        let codingPath: [any CodingKey]

        func decodeNil() -> Bool { value.isNull }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONValueDecoder.scalar(type, value, codingPath) }

        func decode(_ type: String.Type) throws -> String {
            guard case .string(let s) = value else { throw JSONValueDecoder.mismatch(type, codingPath) }
            return s
        }
    }
}
