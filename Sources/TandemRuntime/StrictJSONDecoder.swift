import Foundation

/// Decodes JSON like `JSONDecoder`, but throws on any key of the document that the decoded types never asked for.
///
/// A typo in a config file must not be silently ignored, and each config section should list its keys once: as
/// the stored properties of a struct with synthesized `Decodable`. So the check cannot rely on a list of known
/// keys; instead the document is parsed into a value tree, decoding walks the tree and records, for each object
/// opened as a keyed container, the keys its `init(from:)` asked for (`contains`, `decode`, `decodeIfPresent`,
/// `decodeNil`, nested containers, super decoders). Afterwards the first key nobody asked for throws
/// `DecodingError.dataCorrupted` with its full coding path, listing the keys that were asked for. A key asked for
/// and absent is fine; an object nobody opened (an optional section that is `null`) is not checked. Decoding
/// errors (a missing key, a wrong type) come first: unknown keys are looked for once the whole document decoded.
///
/// It has none of `JSONDecoder`'s strategies (dates, data, key conversion): a config holds strings, numbers,
/// booleans, lists and objects. Numbers are held as `Double`, exact for integers up to 2^53.
struct StrictJSONDecoder {
    func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let root = try JSONDecoder().decode(JSONValue.self, from: data)
        let value = try TreeDecoder(value: root, codingPath: []).decode(T.self)
        try root.rejectUnaskedKeys(at: [])
        return value
    }
}

/// A parsed JSON document. Objects are references so that decoding can record on them which keys were asked for.
private enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object(JSONObject)

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let bool = try? single.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? single.decode(Double.self) {
            self = .number(number)
        } else if let string = try? single.decode(String.self) {
            self = .string(string)
        } else if let array = try? single.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(JSONObject(members: try single.decode([String: JSONValue].self)))
        }
    }

    /// Throws for the first key of an opened object that its decoder never asked for: outer objects before inner
    /// ones, keys by name, so the same file always gives the same error.
    func rejectUnaskedKeys(at path: [any CodingKey]) throws {
        switch self {
        case .array(let elements):
            for (index, element) in elements.enumerated() { try element.rejectUnaskedKeys(at: path + [IndexKey(index)]) }
        case .object(let object):
            let keys = object.members.keys.sorted()
            if object.isOpened, let unknown = keys.first(where: { !object.asked.contains($0) }) {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: path + [NameKey(unknown)],
                        debugDescription: "unknown key (known keys: \(object.asked.sorted().joined(separator: ", ")))"))
            }
            for key in keys { try object.members[key]?.rejectUnaskedKeys(at: path + [NameKey(key)]) }
        case .null, .bool, .number, .string:
            break
        }
    }
}

/// A JSON object and what decoding asked of it.
private final class JSONObject {
    let members: [String: JSONValue]
    /// Whether some `init(from:)` read this object as a keyed container; only those are checked.
    var isOpened = false
    var asked: Set<String> = []

    init(members: [String: JSONValue]) { self.members = members }
}

private struct NameKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { nil }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init(intValue: Int) { self.init(intValue) }
}

/// Decodes one value of the tree; it is its own single-value container, as `JSONDecoder`'s decoder is.
///
/// The containers declare only the generic `decode<T>`: it witnesses every per-type overload of the container
/// protocols, and `decode(_:)` below sorts scalars from the rest.
private struct TreeDecoder: Decoder, SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch([String: Any].self) }
        object.isOpened = true
        return KeyedDecodingContainer(KeyedContainer(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([Any].self) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool {
        if case .null = value { true } else { false }
    }

    /// A string, boolean or number straight from the tree; anything else through its own `init(from:)`.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let isScalar =
            T.self == Bool.self || T.self == String.self || T.self is any BinaryFloatingPoint.Type
            || T.self is any FixedWidthInteger.Type
        guard isScalar else { return try T(from: self) }
        switch value {
        case .bool(let bool as T): return bool
        case .string(let string as T): return string
        case .number(let number):
            if let float = T.self as? any BinaryFloatingPoint.Type, let value = float.init(number) as? T { return value }
            guard let integer = T.self as? any FixedWidthInteger.Type else { throw mismatch(type) }
            guard let value = integer.init(exactly: number) as? T else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(number) does not fit in \(type)"))
            }
            return value
        default: throw mismatch(type)
        }
    }

    func mismatch(_ type: Any.Type) -> DecodingError {
        let context = DecodingError.Context(codingPath: codingPath, debugDescription: "expected \(type)")
        return decodeNil() ? .valueNotFound(type, context) : .typeMismatch(type, context)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let codingPath: [any CodingKey]

    var allKeys: [Key] { object.members.keys.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool {
        object.asked.insert(key.stringValue)
        return object.members[key.stringValue] != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key).decodeNil() }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try member(key).decode(type) }

    func nestedContainer<Nested: CodingKey>(keyedBy type: Nested.Type, forKey key: Key) throws -> KeyedDecodingContainer<Nested> {
        try member(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try member(key).unkeyedContainer() }

    /// Like `JSONDecoder`'s: a missing key gives a decoder of `null`.
    func superDecoder(forKey key: Key) throws -> any Decoder { try member(key, orNull: true) }

    func superDecoder() throws -> any Decoder { try member(NameKey("super"), orNull: true) }

    /// The decoder of `key`'s value, recording that `key` was asked for. A missing key throws unless `orNull`.
    private func member(_ key: some CodingKey, orNull: Bool = false) throws -> TreeDecoder {
        object.asked.insert(key.stringValue)
        guard let value = object.members[key.stringValue] ?? (orNull ? .null : nil) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for '\(key.stringValue)'"))
        }
        return TreeDecoder(value: value, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func decodeNil() throws -> Bool {
        guard try element(Never.self).decodeNil() else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try element(type).decode(type)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<Nested: CodingKey>(keyedBy type: Nested.Type) throws -> KeyedDecodingContainer<Nested> {
        let container = try element(KeyedDecodingContainer<Nested>.self).container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try element([Any].self).unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = try element(Any.self)
        currentIndex += 1
        return decoder
    }

    private func element(_ type: Any.Type) throws -> TreeDecoder {
        let path = codingPath + [IndexKey(currentIndex)]
        guard !isAtEnd else { throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "the list has ended")) }
        return TreeDecoder(value: elements[currentIndex], codingPath: path)
    }
}
