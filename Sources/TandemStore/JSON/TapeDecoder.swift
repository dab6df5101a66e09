import Foundation

/// A decoder positioned on one token; also its own single-value container.
struct TapeDecoder: Decoder, SingleValueDecodingContainer {
    let storage: UnsafePointer<TapeStorage>
    let index: Int

    var codingPath: [any CodingKey] { storage.pointee.codingPath(to: index) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard storage.pointee.token(index).kind == .object else { throw storage.pointee.mismatch([String: Any].self, at: index) }
        return KeyedDecodingContainer(KeyedContainer<Key>(storage: storage, object: index))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard storage.pointee.token(index).kind == .array else { throw storage.pointee.mismatch([Any].self, at: index) }
        return UnkeyedContainer(storage: storage, array: index)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { storage.pointee.token(index).kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try storage.pointee.bool(index) }
    func decode(_ type: String.Type) throws -> String { try storage.pointee.stringValue(index) }
    func decode(_ type: Double.Type) throws -> Double { try storage.pointee.floatingPoint(index, as: type) }
    func decode(_ type: Float.Type) throws -> Float { try storage.pointee.floatingPoint(index, as: type) }
    func decode(_ type: Int.Type) throws -> Int { try storage.pointee.integer(index, as: type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: UInt.Type) throws -> UInt { try storage.pointee.integer(index, as: type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try storage.pointee.integer(index, as: type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try storage.pointee.integer(index, as: type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // The types Foundation's JSONDecoder also treats specially; the rest decode themselves.
        if type == String.self { return try storage.pointee.stringValue(index) as! T }
        if type == Date.self { return try storage.pointee.date(index) as! T }
        if type == Int.self { return try storage.pointee.integer(index, as: Int.self) as! T }
        // Lists of text (a campaign has seven) without `Array`'s generic path: an existential container and a
        // dynamic call per element.
        if type == [String].self { return try stringArray() as! T }
        // The cast looks up a conformance: ask it only of long arrays.
        if storage.pointee.token(index).kind == .array, storage.pointee.token(index).length >= splittableMinimumCount,
            let splittable = type as? any SplittableArray.Type
        {
            return try splittable.decode(inParts: self) as! T
        }
        if type == URL.self {
            let text = try storage.pointee.stringValue(index)
            guard let url = URL(string: text) else { throw storage.pointee.corrupted("not a URL: \(text)", at: index) }
            return url as! T
        }
        if let overrides = storage.pointee.overrides, let decode = overrides.pointee.decoder(for: type) {
            return try decode(self) as! T
        }
        return try T(from: self)
    }
}

extension TapeDecoder {
    fileprivate func stringArray() throws -> [String] {
        let tape = storage.pointee
        guard tape.token(index).kind == .array else { throw tape.mismatch([String].self, at: index) }
        var strings: [String] = []
        strings.reserveCapacity(Int(tape.token(index).length))
        var failure: (any Error)?
        tape.forEachChild(of: index) { _, _, element in
            do {
                strings.append(try tape.stringValue(element))
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return strings
    }
}

// MARK: - Containers

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let storage: UnsafePointer<TapeStorage>
    let object: Int

    var codingPath: [any CodingKey] { storage.pointee.codingPath(to: object) }

    var allKeys: [Key] {
        var keys: [Key] = []
        storage.pointee.forEachChild(of: object) { _, key, _ in
            if let key, let codingKey = Key(stringValue: storage.pointee.string(key)) { keys.append(codingKey) }
            return true
        }
        return keys
    }

    private func find(_ key: Key) -> Int? { storage.pointee.member(key.stringValue, of: object) }

    private func value(_ key: Key) throws -> Int {
        guard let index = find(key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "no value for the key \"\(key.stringValue)\""))
        }
        return index
    }

    private func decoder(_ key: Key) throws -> TapeDecoder { TapeDecoder(storage: storage, index: try value(key)) }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try decoder(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(key).decode(type) }

    // One lookup instead of the default's three (contains, decodeNil, decode): most optional fields are absent.
    private func present(_ key: Key) -> TapeDecoder? {
        guard let index = find(key), storage.pointee.token(index).kind != .null else { return nil }
        return TapeDecoder(storage: storage, index: index)
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(key)?.decode(type) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(key)?.decode(type) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(key)?.decode(type) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try present(key)?.decode(type) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try present(key)?.decode(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { try decoder(Key(stringValue: "super")!) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(key) }
}

/// Three words, so that `any UnkeyedDecodingContainer` holds it inline: a fourth made every array decoded
/// allocate a box for its container (tape indices fit in 32 bits).
private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let storage: UnsafePointer<TapeStorage>
    private let array: UInt32
    /// The token of the next element.
    private var next: UInt32
    private(set) var currentIndex = 0

    init(storage: UnsafePointer<TapeStorage>, array: Int) {
        self.storage = storage
        self.array = UInt32(array)
        self.next = UInt32(array + 1)
    }

    var codingPath: [any CodingKey] { storage.pointee.codingPath(to: Int(array)) }
    var count: Int? { Int(storage.pointee.token(Int(array)).length) }
    var isAtEnd: Bool { currentIndex >= count! }

    /// The decoder of the next element, moving past it.
    private mutating func advance(_ type: Any.Type) throws -> TapeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: codingPath + [TapePathKey(intValue: currentIndex)], debugDescription: "the array has ended"))
        }
        let decoder = TapeDecoder(storage: storage, index: Int(next))
        next = storage.pointee.token(Int(next)).next
        currentIndex += 1
        return decoder
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, storage.pointee.token(Int(next)).kind == .null else { return false }
        _ = try advance(Never.self)
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try advance(type).decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try advance(type).decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try advance(type).decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try advance(type).decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try advance(type).decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try advance(type).decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try advance(type).decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try advance(type).decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try advance(type).decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try advance(type).decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try advance(type).decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try advance(type).decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try advance(type).decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try advance(type).decode(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try advance(type).decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try advance(type).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try advance([Any].self).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try advance(Any.self) }
}

